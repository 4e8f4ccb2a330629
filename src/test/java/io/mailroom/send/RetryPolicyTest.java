package io.mailroom.send;

import io.mailroom.render.Renderer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sesv2.model.AccountSuspendedException;
import software.amazon.awssdk.services.sesv2.model.LimitExceededException;
import software.amazon.awssdk.services.sesv2.model.MessageRejectedException;
import software.amazon.awssdk.services.sesv2.model.SendingPausedException;
import software.amazon.awssdk.services.sesv2.model.TooManyRequestsException;

import java.io.IOException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import static io.mailroom.send.RetryPolicy.Kind.PAUSE;
import static io.mailroom.send.RetryPolicy.Kind.PERMANENT;
import static io.mailroom.send.RetryPolicy.Kind.TRANSIENT;
import static org.assertj.core.api.Assertions.assertThat;

/** What each failure means, one row per kind of error SES, the SDK or the render can raise. */
class RetryPolicyTest {
  private final RetryPolicy policy = new RetryPolicy(3, 200);

  private static AwsServiceException aws(int status, String code) {
    return AwsServiceException.builder().statusCode(status).message(code + " from SES")
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build()).build();
  }

  static Stream<Arguments> failures() {
    return Stream.of(
        Arguments.of(TooManyRequestsException.builder().statusCode(429).build(), TRANSIENT, "Throttling", true),
        Arguments.of(LimitExceededException.builder().statusCode(400).build(), TRANSIENT, "Throttling", false),
        Arguments.of(AccountSuspendedException.builder().statusCode(400)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccountSuspendedException").build()).build(),
            PAUSE, "AccountSuspendedException", false),
        Arguments.of(SendingPausedException.builder().statusCode(400).build(), PAUSE, "SendingPaused", false),
        Arguments.of(MessageRejectedException.builder().statusCode(400)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode("MessageRejected").build()).build(),
            PERMANENT, "MessageRejected", false),
        Arguments.of(aws(500, "InternalFailure"), TRANSIENT, "InternalFailure", false),
        Arguments.of(aws(503, "ServiceUnavailable"), TRANSIENT, "ServiceUnavailable", false),
        Arguments.of(aws(429, "Throttling"), TRANSIENT, "Throttling", true),
        Arguments.of(aws(400, "BadRequestException"), PERMANENT, "BadRequestException", false),
        Arguments.of(SdkClientException.create("connection reset"), TRANSIENT, "ConnectionError", false),
        Arguments.of(new IOException("broken pipe"), TRANSIENT, "ConnectionError", false),
        Arguments.of(new TimeoutException("no answer"), TRANSIENT, "ConnectionError", false),
        Arguments.of(new Renderer.TemplateException("unclosed tag", null), PERMANENT, "TemplateError", false),
        Arguments.of(new IllegalArgumentException("bad address"), PERMANENT, "InvalidMessage", false),
        Arguments.of(new IllegalStateException("surprise"), TRANSIENT, "IllegalStateException", false));
  }

  @ParameterizedTest(name = "{0} → {1} {2}")
  @MethodSource("failures")
  void eachFailureHasItsKindAndCode(Throwable error, RetryPolicy.Kind kind, String code, boolean throttles) {
    RetryPolicy.Verdict verdict = policy.classify(error);
    assertThat(verdict.kind()).isEqualTo(kind);
    assertThat(verdict.code()).isEqualTo(code);
    assertThat(verdict.reason()).isNotBlank();
    assertThat(policy.throttled(error)).as("slows the whole node").isEqualTo(throttles);
    assertThat(policy.retry(verdict, 1)).as("a first attempt is retried").isEqualTo(kind == TRANSIENT);
    assertThat(policy.retry(verdict, 3)).as("the last attempt is not").isFalse();
  }

  static Stream<Arguments> answers() {
    return Stream.of(
        Arguments.of(ApiCallTimeoutException.create(1000), true),
        Arguments.of(SdkClientException.create("connection reset"), true),
        Arguments.of(new IOException("broken pipe"), true),
        Arguments.of(new TimeoutException("no answer"), true),
        Arguments.of(SdkClientException.create("Unable to execute HTTP request", new java.net.ConnectException("refused")),
            false),
        Arguments.of(aws(500, "InternalFailure"), false),
        Arguments.of(aws(429, "Throttling"), false),
        Arguments.of(MessageRejectedException.builder().statusCode(400).build(), false),
        Arguments.of(new Renderer.TemplateException("unclosed tag", null), false));
  }

  @ParameterizedTest(name = "{0} → ambiguous {1}")
  @MethodSource("answers")
  void onlyACallWithNoAnswerLeavesItUnknownWhetherSesHasTheEmail(Throwable error, boolean ambiguous) {
    assertThat(policy.ambiguous(error)).isEqualTo(ambiguous);
  }

  @ParameterizedTest(name = "attempt {0}")
  @ValueSource(ints = {1, 2, 3, 10, 40})
  void backoffIsFullJitterUnderADoublingCeiling(int attempt) {
    long ceiling = 200L << Math.min(20, attempt - 1);
    for (int i = 0; i < 200; i++) {
      assertThat(policy.backoffMillis(attempt)).isBetween(0L, ceiling);
    }
  }
}
