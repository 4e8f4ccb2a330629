package io.mailroom.config;

/** A configuration key that is missing or wrong; the message names the key. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
