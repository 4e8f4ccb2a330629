package io.mailroom.aws;

import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Failures as a log line may show them: the exception's class and, from an AWS service, its error
 * code, never the message. SES's messages can quote the recipient ("... failed the check in region
 * eu-west-1: kim@example.com"), and an address must not reach the logs.
 */
public final class AwsErrors {
  private AwsErrors() {
  }

  /** {@code MessageRejectedException (MessageRejected)}, or the class alone when there is no AWS code. */
  public static String describe(Throwable error) {
    if (error == null) {
      return "unknown";
    }
    String name = error.getClass().getSimpleName();
    if (error instanceof AwsServiceException aws && aws.awsErrorDetails() != null
        && aws.awsErrorDetails().errorCode() != null) {
      return name + " (" + aws.awsErrorDetails().errorCode() + ")";
    }
    return name;
  }
}
