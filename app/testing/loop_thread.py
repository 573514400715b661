"""An event loop in a daemon thread, so synchronous code can drive an async app.

The embedded app, its storage and every request to it live on this one loop, whatever loop
(or none) the caller runs: a synchronous test, an async test on pytest-asyncio's loop of
the moment, or a session fixture that outlives many such loops. Storages whose objects are
bound to the loop that opened them (aiosqlite's writer task, SQLAlchemy's pools) therefore
stay on theirs.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop's loop where it is installed (as `connector-api serve` uses), else asyncio's."""
    factory: Callable[[], asyncio.AbstractEventLoop] = asyncio.new_event_loop
    try:
        import uvloop

        factory = uvloop.new_event_loop
    except ImportError:
        pass
    return factory()


class LoopThread:
    """Runs coroutines on a private event loop in a daemon thread until `stop()`."""

    def __init__(self, name: str = "connector-api") -> None:
        self.loop = new_event_loop()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_forever()
        finally:
            self.loop.run_until_complete(self._cancel_leftovers())
            self.loop.close()

    async def _cancel_leftovers(self) -> None:
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.loop.shutdown_asyncgens()

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        if threading.current_thread() is self._thread:
            coroutine.close()
            raise RuntimeError("a coroutine cannot wait for its own loop thread")
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run `coroutine` on the loop and wait for its result (cancelled if `timeout` passes)."""
        future = self.submit(coroutine)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"no result within {timeout} s") from None

    async def run_async(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Await `coroutine` run on this loop, from a coroutine on any other loop."""
        return await asyncio.wrap_future(self.submit(coroutine))

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        """Stop the loop, cancel what still runs on it, and wait for the thread to end."""
        if self._thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join()
