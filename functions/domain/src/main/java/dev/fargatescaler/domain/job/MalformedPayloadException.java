package dev.fargatescaler.domain.job;

import dev.fargatescaler.domain.errors.PermanentException;

/** The request body is not a usable Job Hook. The message is short and safe to return to the caller. */
public class MalformedPayloadException extends PermanentException {
    public MalformedPayloadException(String message) {
        super("MalformedPayload", message);
    }
}
