package dev.vctt.stream.bootstrap;

/** A setting is missing or wrong; the message is one line naming the variable. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }
}
