package io.mailroom.config;

import io.mailroom.audience.Recipient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code authoring.testRecipients}: plain mailboxes only, lower-cased as the send path has them, none by default. */
class AuthoringConfigTest {
  private static JsonObject local() {
    return ConfigSource.load(ConfigSource.DEFAULT_FILE, Map.of());
  }

  @Test
  void theShippedFilesAndAnOlderFileHaveNoTestRecipients() {
    assertThat(MailroomConfig.from(local()).authoring().testRecipients()).isEmpty();
    JsonObject older = local();
    older.remove("authoring");
    assertThat(MailroomConfig.from(older).authoring().testRecipients()).isEmpty();
    assertThat(ConfigSource.load("conf/production.json", Map.of()).getJsonObject("authoring")
        .getString("testRecipients")).isEmpty();
  }

  @Test
  void addressesAreListedAsTheSendPathSpellsThem() {
    JsonObject json = ConfigSource.load(ConfigSource.DEFAULT_FILE,
        Map.of("MAILROOM_AUTHORING_TEST_RECIPIENTS", " QA@Team.Example.com, lead@team.example.com,,qa@team.example.com"));
    List<String> listed = MailroomConfig.from(json).authoring().testRecipients();
    assertThat(listed).containsExactly("qa@team.example.com", "lead@team.example.com");
    listed.forEach(address -> assertThat(Recipient.address(address)).isEqualTo(address));
  }

  @Test
  void anythingButAPlainMailboxIsRefusedByName() {
    for (String bad : List.of("QA Team <qa@team.example.com>", "qa@team", "qa team@example.com", "\"qa\"@example.com")) {
      JsonObject json = local();
      json.getJsonObject("authoring").put("testRecipients", bad);
      assertThatThrownBy(() -> MailroomConfig.from(json)).as(bad).isInstanceOf(ConfigException.class)
          .hasMessageContaining("'authoring.testRecipients'");
      assertThat(Recipient.address(bad)).as(bad).isNull();
    }
  }
}
