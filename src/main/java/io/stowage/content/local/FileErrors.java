package io.stowage.content.local;

import io.stowage.content.ContentException;
import java.io.IOException;

/** Turns file-system failures into content errors with context. */
final class FileErrors {
    private FileErrors() {
    }

    static ContentException of(String context, Throwable t) {
        if (t instanceof ContentException ce) {
            return ce;
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (t instanceof IOException && (msg.contains("No space left") || msg.contains("Disk quota exceeded"))) {
            return ContentException.resourceExhausted(context + ": no space left on device", t);
        }
        return ContentException.internal(context + ": " + msg, t);
    }
}
