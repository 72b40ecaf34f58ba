package io.jseek.config;

/** config.json is missing a key, has a wrong type, or is internally inconsistent. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
