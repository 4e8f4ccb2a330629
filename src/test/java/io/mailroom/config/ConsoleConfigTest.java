package io.mailroom.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code console.*}: bcrypt hashes only, known roles, unique names; no users, no console. */
class ConsoleConfigTest {
  private static final String HASH = "$2a$10$" + "N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";

  private static JsonObject local() {
    return ConfigSource.load(ConfigSource.DEFAULT_FILE, Map.of());
  }

  private static JsonObject user(String name, String role, String hash) {
    return new JsonObject().put("name", name).put("role", role).put("passwordHash", hash);
  }

  private static JsonObject with(JsonObject... users) {
    JsonObject json = local();
    json.getJsonObject("console").put("users", new JsonArray(java.util.List.of((Object[]) users)));
    return json;
  }

  @Test
  void theShippedFilesServeNoConsoleUntilUsersAreConfigured() {
    Console local = MailroomConfig.from(local()).console();
    assertThat(local.enabled()).isTrue();
    assertThat(local.served()).isFalse();
    assertThat(local.sessionMinutes()).isEqualTo(480);
    assertThat(local.sessionMaxHours()).isEqualTo(12);
    JsonObject older = local();
    older.remove("console");
    assertThat(MailroomConfig.from(older).console()).isEqualTo(local);
    assertThat(ConfigSource.load("conf/production.json", Map.of()).getJsonObject("console").getString("users"))
        .isEmpty();
  }

  @Test
  void usersAreReadFromAListOrFromAStringHoldingOne() {
    Console console = MailroomConfig.from(with(user("kim", "admin", HASH), user("lee", "viewer", HASH))).console();
    assertThat(console.served()).isTrue();
    assertThat(console.users()).extracting(Console.Account::name).containsExactly("kim", "lee");
    assertThat(console.toString()).doesNotContain(HASH);

    JsonObject fromEnv = ConfigSource.load(ConfigSource.DEFAULT_FILE, Map.of("MAILROOM_CONSOLE_SESSION_MINUTES", "30"));
    fromEnv.getJsonObject("console").put("users", new JsonArray().add(user("park", "marketer", HASH)).encode());
    Console env = MailroomConfig.from(fromEnv).console();
    assertThat(env.users()).extracting(Console.Account::role).containsExactly("marketer");
    assertThat(env.sessionMinutes()).isEqualTo(30);
  }

  @Test
  void aPlainPasswordAnUnknownRoleAndARepeatedNameAreRefusedByKey() {
    assertRefused(with(user("kim", "admin", "correct horse battery")), "'console.users[0].passwordHash'");
    assertRefused(with(user("kim", "owner", HASH)), "'console.users[0].role'");
    assertRefused(with(user("kim", "admin", HASH), user("kim", "viewer", HASH)), "'console.users[1].name'");
    assertRefused(with(user("kim lee", "admin", HASH)), "'console.users[0].name'");
    JsonObject notAList = local();
    notAList.getJsonObject("console").put("users", "kim:secret");
    assertRefused(notAList, "'console.users'");
    JsonObject badCookie = local();
    badCookie.getJsonObject("console").put("secureCookie", "sometimes");
    assertRefused(badCookie, "'console.secureCookie'");
  }

  @Test
  void theCookieIsSecureUnlessTheConsoleIsOnLoopback() {
    Console auto = MailroomConfig.from(local()).console();
    assertThat(auto.secure("127.0.0.1")).isFalse();
    assertThat(auto.secure("localhost")).isFalse();
    assertThat(auto.secure("0.0.0.0")).isTrue();
    JsonObject always = local();
    always.getJsonObject("console").put("secureCookie", "always");
    assertThat(MailroomConfig.from(always).console().secure("127.0.0.1")).isTrue();
  }

  private static void assertRefused(JsonObject json, String key) {
    assertThatThrownBy(() -> MailroomConfig.from(json)).isInstanceOf(ConfigException.class).hasMessageContaining(key);
  }
}
