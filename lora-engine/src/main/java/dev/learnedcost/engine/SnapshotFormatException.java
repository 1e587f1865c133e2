package dev.learnedcost.engine;

import java.io.IOException;

/**
 * A model snapshot failed one of the checks made while loading it; the message names the
 * snapshot and the check, for example {@code "snapshot /var/lib/model.lora: checksum mismatch
 * (stored 0x1a2b3c4d, computed 0x5e6f7a8b)"}. Loading never changes an existing model, so the
 * caller keeps the one it had.
 */
public final class SnapshotFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  SnapshotFormatException(String source, String problem) {
    super("snapshot " + source + ": " + problem);
  }
}
