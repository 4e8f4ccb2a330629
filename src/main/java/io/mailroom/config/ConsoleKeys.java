package io.mailroom.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the {@code console.*} keys. {@code console.users} is a JSON list, or a string holding one
 * (so that {@code MAILROOM_CONSOLE_USERS_FILE} can name a secret file); each user's password is a
 * bcrypt hash ({@code java -jar mailroom.jar hash-password}), never the password itself.
 */
final class ConsoleKeys {
  static final String USERS = "console.users";
  private static final Set<String> ROLES = Set.of("admin", "marketer", "viewer");

  private ConsoleKeys() {
  }

  static Console read(ConfigReader r) {
    boolean enabled = !r.has("console.enabled") || r.bool("console.enabled");
    int minutes = r.integer("console.sessionMinutes", 1, 7 * 24 * 60, 480);
    int maxHours = r.integer("console.sessionMaxHours", 1, 30 * 24, 12);
    Console.SecureCookie secure = r.has("console.secureCookie")
        ? r.choice("console.secureCookie", Console.SecureCookie.class) : Console.SecureCookie.AUTO;
    return new Console(enabled, users(r), minutes, maxHours, secure);
  }

  private static List<Console.Account> users(ConfigReader r) {
    if (!r.has(USERS)) {
      return List.of();
    }
    JsonArray list = list(r.raw(USERS));
    List<Console.Account> users = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String key = USERS + "[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject user)) {
        throw new ConfigException("config key '" + key + "' must be an object with name, role and passwordHash");
      }
      Console.Account account = account(key, user);
      if (!names.add(account.name())) {
        throw new ConfigException("config key '" + key + ".name' repeats the user name '" + account.name() + "'");
      }
      users.add(account);
    }
    return users;
  }

  private static JsonArray list(Object value) {
    if (value instanceof JsonArray array) {
      return array;
    }
    if (value instanceof String text) {
      if (text.isBlank()) {
        return new JsonArray();
      }
      try {
        return new JsonArray(text);
      } catch (DecodeException e) {
        throw new ConfigException("config key '" + USERS + "' must be a JSON list of users");
      }
    }
    throw new ConfigException("config key '" + USERS + "' must be a JSON list of users");
  }

  private static Console.Account account(String key, JsonObject user) {
    String name = text(user, key, "name");
    if (!name.matches("[A-Za-z0-9._@-]{1,64}")) {
      throw new ConfigException("config key '" + key + ".name' must be 1 to 64 letters, digits or . _ @ -");
    }
    String role = text(user, key, "role");
    if (!ROLES.contains(role)) {
      throw new ConfigException("config key '" + key + ".role' must be one of \"admin\", \"marketer\", \"viewer\"");
    }
    String hash = text(user, key, "passwordHash");
    if (!hash.matches("\\$2[abxy]?\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
      throw new ConfigException("config key '" + key + ".passwordHash' must be a bcrypt hash ($2a$...), not a"
          + " password: make one with java -jar mailroom.jar hash-password");
    }
    return new Console.Account(name, role, hash);
  }

  private static String text(JsonObject user, String key, String field) {
    if (!(user.getValue(field) instanceof String value) || value.isBlank()) {
      throw new ConfigException("config key '" + key + "." + field + "' must be a non-empty string");
    }
    return value.trim();
  }
}
