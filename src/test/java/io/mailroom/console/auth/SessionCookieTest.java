package io.mailroom.console.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The session cookie's attributes, and the stored form of a session id. */
class SessionCookieTest {
  @Test
  void theCookieIsHttpOnlyStrictAndLimitedToTheConsole() {
    String cookie = SessionCookie.of("abc", true).encode();
    assertThat(cookie).startsWith("mailroom_session=abc;").containsIgnoringCase("HttpOnly")
        .contains("SameSite=Strict").contains("Path=/console").contains("Secure").doesNotContain("Max-Age");
    assertThat(SessionCookie.of("abc", false).encode()).doesNotContain("Secure");
    assertThat(SessionCookie.cleared(false).encode()).contains("Max-Age=0");
  }

  @Test
  void idsAndTokensAreRandom256BitValuesStoredOnlyAsHashes() {
    String id = Secrets.random();
    assertThat(id).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(Secrets.random());
    assertThat(Secrets.hash(id)).hasSize(64).doesNotContain(id);
    assertThat(Secrets.same(id, id)).isTrue();
    assertThat(Secrets.same(id, id.substring(1))).isFalse();
    assertThat(Secrets.same(id, null)).isFalse();
  }
}
