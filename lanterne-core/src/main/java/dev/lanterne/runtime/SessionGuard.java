package dev.lanterne.runtime;

import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Makes an object that owns a native ONNX Runtime session safe to close while other threads use it:
 * calls run under a shared (read) lock, {@link #close(Runnable)} takes the exclusive (write) lock, so
 * closing waits for the calls in progress to finish and calls that start afterwards fail with an
 * {@link IllegalStateException} instead of reaching freed native memory. Closing twice does nothing.
 *
 * <p>Thread-safe. Used by every class that owns an {@code OrtSession}.
 */
public final class SessionGuard {
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final String what;
  private volatile boolean closed;

  /** @param what what the session is, for the message of a call after close ("the classifier x.onnx") */
  public SessionGuard(String what) {
    this.what = what;
  }

  /**
   * Runs a call on the session unless it is closed; any number of calls may run at once.
   *
   * @throws IllegalStateException when the session is closed
   */
  public <T> T call(Supplier<T> body) {
    ReentrantReadWriteLock.ReadLock r = lock.readLock();
    r.lock();
    try {
      if (closed) {
        throw new IllegalStateException(what + " is closed; open it again to run it");
      }
      return body.get();
    } finally {
      r.unlock();
    }
  }

  /**
   * Closes the session once: waits for the calls in progress, then runs the closer. Later calls of
   * this method return at once.
   *
   * @throws IllegalStateException when called from inside a call on the same session
   */
  public void close(Runnable closer) {
    if (lock.getReadHoldCount() > 0) {
      throw new IllegalStateException(what + " cannot be closed from inside one of its own calls");
    }
    ReentrantReadWriteLock.WriteLock w = lock.writeLock();
    w.lock();
    try {
      if (!closed) {
        closed = true;
        closer.run();
      }
    } finally {
      w.unlock();
    }
  }

  /** Whether {@link #close(Runnable)} has been called. */
  public boolean isClosed() {
    return closed;
  }
}
