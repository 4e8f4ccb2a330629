package io.mailroom.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a JSON configuration file and lets environment variables override any key it holds:
 * {@code ses.region} is overridden by {@code MAILROOM_SES_REGION}, {@code http.maxBodyBytes} by
 * {@code MAILROOM_HTTP_MAX_BODY_BYTES}. A variable ending in {@code _FILE}
 * ({@code MAILROOM_WEBHOOK_SECRETS_FILE=/run/secrets/webhook}) names a file holding the value instead,
 * as Docker and Kubernetes secrets are given.
 */
public final class ConfigSource {
  public static final String DEFAULT_FILE = "conf/local.json";
  private static final String FILE_SUFFIX = "_FILE";

  private ConfigSource() {
  }

  /** Loads {@code file} from disk, or from the classpath when no such file exists on disk. */
  public static JsonObject load(String file, Map<String, String> env) {
    JsonObject json = parse(file, read(file));
    applyEnv(json, "MAILROOM", env);
    return json;
  }

  private static String read(String file) {
    Path path = Path.of(file);
    try {
      if (Files.isRegularFile(path)) {
        return Files.readString(path, StandardCharsets.UTF_8);
      }
      try (InputStream in = ConfigSource.class.getClassLoader().getResourceAsStream(file)) {
        if (in == null) {
          throw new ConfigException("configuration file '" + file + "' does not exist");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new ConfigException("configuration file '" + file + "' cannot be read: " + e.getMessage());
    }
  }

  private static JsonObject parse(String file, String text) {
    try {
      return new JsonObject(text);
    } catch (DecodeException e) {
      throw new ConfigException("configuration file '" + file + "' is not valid JSON: " + e.getMessage());
    }
  }

  private static void applyEnv(JsonObject json, String prefix, Map<String, String> env) {
    for (String key : json.fieldNames()) {
      String name = prefix + "_" + envName(key);
      Object value = json.getValue(key);
      if (value instanceof JsonObject nested) {
        applyEnv(nested, name, env);
      } else if (env.containsKey(name + FILE_SUFFIX)) {
        if (env.containsKey(name)) {
          throw new ConfigException("environment variables " + name + " and " + name + FILE_SUFFIX
              + " are both set: set one");
        }
        json.put(key, convert(name + FILE_SUFFIX, fromFile(name + FILE_SUFFIX, env.get(name + FILE_SUFFIX)), value));
      } else if (env.containsKey(name)) {
        json.put(key, convert(name, env.get(name), value));
      }
    }
  }

  /** The file's text without its trailing newline; a failure names the variable and the path, never the text. */
  private static String fromFile(String variable, String file) {
    try {
      String text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
      return text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
          : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("environment variable " + variable + " names a file that cannot be read: " + file
          + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** {@code maxBodyBytes} becomes {@code MAX_BODY_BYTES}. */
  static String envName(String key) {
    return key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }

  private static Object convert(String name, String raw, Object current) {
    if (current instanceof Boolean) {
      if (!raw.equalsIgnoreCase("true") && !raw.equalsIgnoreCase("false")) {
        throw new ConfigException("environment variable " + name + " must be true or false");
      }
      return Boolean.parseBoolean(raw);
    }
    if (current instanceof Number) {
      try {
        return Long.parseLong(raw.trim());
      } catch (NumberFormatException e) {
        throw new ConfigException("environment variable " + name + " must be a whole number");
      }
    }
    if (current instanceof JsonArray) {
      throw new ConfigException("environment variable " + name + " cannot override a list");
    }
    return raw;
  }
}
