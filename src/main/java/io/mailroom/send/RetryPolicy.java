package io.mailroom.send;

import io.mailroom.render.Renderer;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sesv2.model.AccountSuspendedException;
import software.amazon.awssdk.services.sesv2.model.LimitExceededException;
import software.amazon.awssdk.services.sesv2.model.SendingPausedException;
import software.amazon.awssdk.services.sesv2.model.TooManyRequestsException;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

/**
 * The one place that decides whether a failed send is worth another attempt, and when:
 * exponential backoff with full jitter.
 */
public final class RetryPolicy {
  private final int maxAttempts;
  private final long baseMillis;

  public RetryPolicy(int maxAttempts, long baseMillis) {
    this.maxAttempts = maxAttempts;
    this.baseMillis = baseMillis;
  }

  /** Transient: try again later; permanent: record the failure; pause: the account cannot send, pause the campaign. */
  public enum Kind { TRANSIENT, PERMANENT, PAUSE }

  /** What a failure means: its kind and a stable code for records and metrics. */
  public record Verdict(Kind kind, String code, String reason) { }

  public Verdict classify(Throwable error) {
    String reason = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    if (error instanceof TooManyRequestsException || error instanceof LimitExceededException) {
      return new Verdict(Kind.TRANSIENT, "Throttling", reason);
    }
    if (error instanceof AccountSuspendedException || error instanceof SendingPausedException) {
      return new Verdict(Kind.PAUSE, errorCode(error), reason);
    }
    if (error instanceof AwsServiceException aws) {
      boolean transientStatus = aws.statusCode() >= 500 || aws.statusCode() == 429 || aws.isThrottlingException();
      return new Verdict(transientStatus ? Kind.TRANSIENT : Kind.PERMANENT, errorCode(error), reason);
    }
    if (error instanceof SdkClientException || error instanceof IOException || error instanceof TimeoutException) {
      return new Verdict(Kind.TRANSIENT, "ConnectionError", reason);
    }
    if (error instanceof Renderer.TemplateException) {
      return new Verdict(Kind.PERMANENT, "TemplateError", reason);
    }
    if (error instanceof IllegalArgumentException) {
      return new Verdict(Kind.PERMANENT, "InvalidMessage", reason);
    }
    return new Verdict(Kind.TRANSIENT, error.getClass().getSimpleName(), reason);
  }

  private static String errorCode(Throwable error) {
    if (error instanceof AwsServiceException aws && aws.awsErrorDetails() != null
        && aws.awsErrorDetails().errorCode() != null) {
      return aws.awsErrorDetails().errorCode();
    }
    return error.getClass().getSimpleName().replace("Exception", "");
  }

  /**
   * A call that got no answer: it timed out, or the connection broke after the request may have
   * been written. SES may have accepted the email, so it is not simply sent again. An error
   * answer from SES (any status) proves it did not accept, and a connection that was never
   * opened proves the request never left.
   */
  public boolean ambiguous(Throwable error) {
    if (error instanceof AwsServiceException || error instanceof Renderer.TemplateException
        || error instanceof IllegalArgumentException) {
      return false;
    }
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.net.ConnectException || cause instanceof java.net.UnknownHostException
          || cause instanceof java.net.NoRouteToHostException) {
        return false;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return error instanceof SdkClientException || error instanceof IOException || error instanceof TimeoutException;
  }

  /** SES says this account sends too fast (the whole node should slow down, not just this email). */
  public boolean throttled(Throwable error) {
    return error instanceof TooManyRequestsException
        || error instanceof AwsServiceException aws && (aws.isThrottlingException() || aws.statusCode() == 429);
  }

  /** Whether attempt number {@code attempt} (1-based), having failed this way, gets another. */
  public boolean retry(Verdict verdict, int attempt) {
    return verdict.kind() == Kind.TRANSIENT && attempt < maxAttempts;
  }

  /** Full jitter: a random wait in [0, base × 2^(attempt-1)]. */
  public long backoffMillis(int attempt) {
    long ceiling = baseMillis << Math.min(20, Math.max(0, attempt - 1));
    return ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1);
  }

  public int maxAttempts() {
    return maxAttempts;
  }
}
