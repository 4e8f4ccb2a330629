package io.mailroom.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code fetcher.scheduleCheckSeconds}: 1 when a config written before it lacks it, 1 to 60 when given. */
class ScheduleConfigTest {
  private static JsonObject local() {
    return ConfigSource.load(ConfigSource.DEFAULT_FILE, Map.of());
  }

  @Test
  void theShippedConfigsCheckEverySecond() {
    assertThat(MailroomConfig.from(local()).fetcher().scheduleCheckSeconds()).isEqualTo(1);
  }

  @Test
  void anOlderConfigWithoutTheKeyChecksEverySecond() {
    JsonObject json = local();
    json.getJsonObject("fetcher").remove("scheduleCheckSeconds");
    assertThat(MailroomConfig.from(json).fetcher().scheduleCheckSeconds()).isEqualTo(1);
  }

  @Test
  void aGivenIntervalIsKeptAndOneOutOfRangeRefused() {
    JsonObject json = local();
    json.getJsonObject("fetcher").put("scheduleCheckSeconds", 5);
    assertThat(MailroomConfig.from(json).fetcher().scheduleCheckSeconds()).isEqualTo(5);
    json.getJsonObject("fetcher").put("scheduleCheckSeconds", 0);
    assertThatThrownBy(() -> MailroomConfig.from(json)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("fetcher.scheduleCheckSeconds");
    json.getJsonObject("fetcher").put("scheduleCheckSeconds", "often");
    assertThatThrownBy(() -> MailroomConfig.from(json)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("fetcher.scheduleCheckSeconds");
  }
}
