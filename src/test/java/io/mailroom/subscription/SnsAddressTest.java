package io.mailroom.subscription;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which SNS addresses Mailroom fetches a signing certificate from or confirms a subscription at. */
class SnsAddressTest {
  private final SnsAddress production = new SnsAddress("");

  @Test
  void snsOwnCertificateAddressesAreAllowedPerPartition() {
    assertThat(production.certificate(
        "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem"))
        .contains(new SnsAddress.Host("us-west-2", "sns.amazonaws.com"));
    assertThat(production.certificate("https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-0a.pem"))
        .contains(new SnsAddress.Host("us-gov-west-1", "sns.amazonaws.com"));
    assertThat(production.certificate("https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-0a.pem"))
        .contains(new SnsAddress.Host("cn-north-1", "sns.amazonaws.com.cn"));
  }

  @Test
  void anyOtherCertificateAddressIsRefused() {
    List<String> refused = List.of(
      "https://sns.s3.amazonaws.com/SimpleNotificationService-0a.pem",
      "https://sns.us-east-1.amazonaws.com.evil.test/SimpleNotificationService-0a.pem",
      "https://evil.test/?https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0a.pem",
      "https://sns.us-east-1.amazonaws.com@evil.test/SimpleNotificationService-0a.pem",
      "https://user@sns.us-east-1.amazonaws.com/SimpleNotificationService-0a.pem",
      "https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-0a.pem",
      "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0a.pem?x=1",
      "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0a.pem#x",
      "https://sns.us-east-1.amazonaws.com/other/SimpleNotificationService-0a.pem",
      "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-XYZ.pem",
      "https://sns.us-east-1.amazonaws.com/cert.pem",
      "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-0a.pem",
      "https://SNS.us-east-1.amazonaws.com/SimpleNotificationService-0a.pem",
      "https://sns.us-east-1.amazonaws.com.cn/SimpleNotificationService-0a.pem",
      "https://sns.cn-north-1.amazonaws.com/SimpleNotificationService-0a.pem",
      "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0a.pem/../x.pem",
      "//sns.us-east-1.amazonaws.com/SimpleNotificationService-0a.pem",
      "not a url",
      "");
    for (String url : refused) {
      assertThat(production.certificate(url)).as(url).isEmpty();
    }
  }

  @Test
  void subscribeUrlsMustBeSnsConfirmations() {
    assertThat(production.subscribe("https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription"
        + "&TopicArn=arn:aws:sns:eu-west-1:123456789012:t&Token=abc")).map(SnsAddress.Host::region).contains("eu-west-1");
    assertThat(production.subscribe("https://sns.s3.amazonaws.com/?Action=ConfirmSubscription")).isEmpty();
    assertThat(production.subscribe("https://sns.eu-west-1.amazonaws.com/?Action=Publish")).isEmpty();
    assertThat(production.subscribe("https://sns.eu-west-1.amazonaws.com:444/?Action=ConfirmSubscription")).isEmpty();
  }

  @Test
  void aLocalEndpointStandsInForTheHostOnly() {
    SnsAddress local = new SnsAddress("http://127.0.0.1:4567");
    assertThat(local.certificate("http://127.0.0.1:4567/SimpleNotificationService-0a.pem")).isPresent();
    assertThat(local.certificate("http://127.0.0.1:4567/cert.pem")).isEmpty();
    assertThat(local.certificate("http://127.0.0.1:4568/SimpleNotificationService-0a.pem")).isEmpty();
    assertThat(production.certificate("http://127.0.0.1:4567/SimpleNotificationService-0a.pem")).isEmpty();
  }
}
