package io.mailroom.console.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The wait after failed sign-ins: free for three, then doubling from 1 s to at most 60 s, never a lock-out. */
class SignInDelayTest {
  @Test
  void theFirstThreeFailuresCostNothingThenTheWaitDoubles() {
    assertThat(SignInDelay.afterFailures(0)).isZero();
    assertThat(SignInDelay.afterFailures(2)).isZero();
    assertThat(SignInDelay.afterFailures(3)).isEqualTo(1);
    assertThat(SignInDelay.afterFailures(4)).isEqualTo(2);
    assertThat(SignInDelay.afterFailures(5)).isEqualTo(4);
    assertThat(SignInDelay.afterFailures(8)).isEqualTo(32);
    assertThat(SignInDelay.afterFailures(9)).isEqualTo(60);
    assertThat(SignInDelay.afterFailures(1_000_000)).isEqualTo(60);
  }

  @Test
  void theWaitCountsFromTheLastFailureAndEnds() {
    assertThat(SignInDelay.remaining(5, 1000, 1001)).isEqualTo(3);
    assertThat(SignInDelay.remaining(5, 1000, 1004)).isZero();
    assertThat(SignInDelay.remaining(100, 1000, 1060)).as("never longer than a minute").isZero();
  }
}
