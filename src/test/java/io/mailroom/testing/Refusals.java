package io.mailroom.testing;

import io.vertx.core.json.JsonObject;

import static org.assertj.core.api.Assertions.assertThat;

/** What every refusal must look like: its status, and a JSON error naming the code and the field. */
public final class Refusals {
  private Refusals() {
  }

  /** {@code reply} is a {@code status} refusal with {@code code} about {@code field} (null: no field). */
  public static JsonObject assertRefused(SignedClient.Reply reply, int status, String code, String field) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    JsonObject error = reply.json().getJsonObject("error");
    assertThat(error.getString("code")).as(reply.body()).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
    assertThat(error.getString("field")).as(reply.body()).isEqualTo(field);
    assertThat(reply.body()).doesNotContain("Exception").doesNotContain("at io.");
    return error;
  }
}
