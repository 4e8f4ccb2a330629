package io.mailroom.config;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Typed, validated reads from a configuration tree; every failure names the key. */
final class ConfigReader {
  private final JsonObject root;

  ConfigReader(JsonObject root) {
    this.root = root;
  }

  private Object value(String path) {
    Object node = root;
    for (String part : path.split("\\.")) {
      if (!(node instanceof JsonObject object) || !object.containsKey(part)) {
        throw new ConfigException("config key '" + path + "' is missing");
      }
      node = object.getValue(part);
    }
    if (node == null) {
      throw new ConfigException("config key '" + path + "' is missing");
    }
    return node;
  }

  /** Whether the key is present (for sections a configuration written before them may lack). */
  boolean has(String path) {
    try {
      value(path);
      return true;
    } catch (ConfigException e) {
      return false;
    }
  }

  /** The value as it is in the tree (a string, number, boolean, list or object). */
  Object raw(String path) {
    return value(path);
  }

  String string(String path) {
    Object value = value(path);
    if (!(value instanceof String text)) {
      throw new ConfigException("config key '" + path + "' must be a string");
    }
    return text.trim();
  }

  String nonEmpty(String path) {
    String text = string(path);
    if (text.isEmpty()) {
      throw new ConfigException("config key '" + path + "' must not be empty");
    }
    return text;
  }

  /** A SQL identifier (it is written into queries, so nothing else is allowed); empty if {@code optional}. */
  String identifier(String path, boolean optional) {
    String text = string(path);
    if (text.isEmpty() && optional) {
      return text;
    }
    if (!text.matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
      throw new ConfigException("config key '" + path + "' must be a plain SQL identifier (letters, digits, _)");
    }
    return text;
  }

  /** A JSON object of strings as a map; an empty one when the key is absent. */
  Map<String, String> strings(String path) {
    Object value;
    try {
      value = value(path);
    } catch (ConfigException absent) {
      return Map.of();
    }
    if (!(value instanceof JsonObject object)) {
      throw new ConfigException("config key '" + path + "' must be a JSON object");
    }
    Map<String, String> strings = new LinkedHashMap<>();
    object.forEach(entry -> {
      if (!(entry.getValue() instanceof String text)) {
        throw new ConfigException("config key '" + path + "." + entry.getKey() + "' must be a string");
      }
      strings.put(entry.getKey(), text.trim());
    });
    return strings;
  }

  int integer(String path, int min, int max) {
    Object value = value(path);
    if (!(value instanceof Number number) || number.doubleValue() != number.longValue()) {
      throw new ConfigException("config key '" + path + "' must be a whole number");
    }
    long n = number.longValue();
    if (n < min || n > max) {
      throw new ConfigException("config key '" + path + "' must be between " + min + " and " + max + ", got " + n);
    }
    return (int) n;
  }

  /** A whole number, or {@code fallback} when the key is absent (a key added after configs were written). */
  int integer(String path, int min, int max, int fallback) {
    Object node = root;
    for (String part : path.split("\\.")) {
      node = node instanceof JsonObject object ? object.getValue(part) : null;
    }
    return node == null ? fallback : integer(path, min, max);
  }

  /** A number from {@code min} to {@code max}, or {@code fallback} when the key is absent. */
  double decimal(String path, double min, double max, double fallback) {
    if (!has(path)) {
      return fallback;
    }
    if (!(value(path) instanceof Number number) || number.doubleValue() < min || number.doubleValue() > max) {
      throw new ConfigException("config key '" + path + "' must be a number from " + min + " to " + max);
    }
    return number.doubleValue();
  }

  boolean bool(String path) {
    Object value = value(path);
    if (!(value instanceof Boolean b)) {
      throw new ConfigException("config key '" + path + "' must be true or false");
    }
    return b;
  }

  /** An http(s) URL, or one of the given words (such as "embedded" or ""). */
  String endpoint(String path, String... words) {
    String text = string(path);
    for (String word : words) {
      if (text.equals(word)) {
        return text;
      }
    }
    try {
      URI uri = new URI(text);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
        return text;
      }
    } catch (URISyntaxException ignored) {
      // reported below
    }
    throw new ConfigException("config key '" + path + "' must be an http(s) URL"
        + (words.length > 0 ? " or one of " + String.join(", ", quoted(words)) : ""));
  }

  /** One of the given words, as written. */
  String word(String path, String... words) {
    String text = string(path);
    if (!java.util.Arrays.asList(words).contains(text)) {
      throw new ConfigException("config key '" + path + "' must be one of " + String.join(", ", quoted(words)));
    }
    return text;
  }

  /** A regular expression that compiles. */
  String pattern(String path) {
    String text = nonEmpty(path);
    try {
      java.util.regex.Pattern.compile(text);
      return text;
    } catch (java.util.regex.PatternSyntaxException e) {
      throw new ConfigException("config key '" + path + "' must be a regular expression: " + e.getDescription());
    }
  }

  <E extends Enum<E>> E choice(String path, Class<E> type) {
    String text = nonEmpty(path);
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(text)) {
        return e;
      }
    }
    throw new ConfigException("config key '" + path + "' must be one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase());
  }

  private static String[] quoted(String[] words) {
    String[] out = new String[words.length];
    for (int i = 0; i < words.length; i++) {
      out[i] = "\"" + words[i] + "\"";
    }
    return out;
  }
}
