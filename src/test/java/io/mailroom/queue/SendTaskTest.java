package io.mailroom.queue;

import io.mailroom.audience.Recipient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A send task carries the template version its campaign pinned; one queued before versions renders the newest. */
class SendTaskTest {
  private static final Recipient KIM = new Recipient("kim@example.com", "Kim", "Female", 1_700_000_000L, true);

  @Test
  void theTemplateVersionSurvivesTheQueue() {
    SendTask task = new SendTask("c_1", "autumn", null, KIM, "news", 3);
    SendTask decoded = SendTask.decode(task.encode());
    assertThat(decoded.templateVersion()).isEqualTo(3);
    assertThat(decoded).isEqualTo(task);
  }

  @Test
  void aTaskQueuedBeforeVersionsRendersTheNewest() {
    String old = "{\"campaignId\":\"c_1\",\"templateId\":\"autumn\",\"recipient\":{\"email\":\"kim@example.com\"}}";
    assertThat(SendTask.decode(old).templateVersion()).isZero();
    assertThat(new SendTask("c_1", "autumn", null, KIM).encode()).doesNotContain("templateVersion");
  }

  @Test
  void aVersionThatIsNotAWholeNumberIsNotATask() {
    String bad = "{\"campaignId\":\"c_1\",\"templateId\":\"autumn\",\"templateVersion\":\"two\","
        + "\"recipient\":{\"email\":\"kim@example.com\"}}";
    assertThatThrownBy(() -> SendTask.decode(bad)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SendTask.decode(bad.replace("\"two\"", "-1"))).isInstanceOf(IllegalArgumentException.class);
  }
}
