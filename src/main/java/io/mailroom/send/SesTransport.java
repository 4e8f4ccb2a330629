package io.mailroom.send;

import io.mailroom.aws.Async;
import io.mailroom.render.RenderedEmail;
import io.vertx.core.Future;
import software.amazon.awssdk.services.sesv2.SesV2AsyncClient;
import software.amazon.awssdk.services.sesv2.model.Body;
import software.amazon.awssdk.services.sesv2.model.Content;
import software.amazon.awssdk.services.sesv2.model.EmailContent;
import software.amazon.awssdk.services.sesv2.model.Message;
import software.amazon.awssdk.services.sesv2.model.MessageHeader;
import software.amazon.awssdk.services.sesv2.model.MessageTag;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;

import java.nio.charset.StandardCharsets;

/**
 * Sends through Amazon SES v2 {@code SendEmail} with simple content: SES builds the MIME and
 * signs it with the domain's DKIM keys; our own headers (List-Unsubscribe…) travel as
 * {@code Headers}.
 */
public final class SesTransport implements Transport {
  private final SesV2AsyncClient ses;
  private final String configurationSet;

  public SesTransport(SesV2AsyncClient ses, String configurationSet) {
    this.ses = ses;
    this.configurationSet = configurationSet == null || configurationSet.isEmpty() ? null : configurationSet;
  }

  /** The tags every email carries: its campaign and its delivery, which SES's events report back. */
  public static final String CAMPAIGN_TAG = "campaign";
  public static final String DELIVERY_TAG = "delivery";

  @Override
  public Future<String> send(RenderedEmail email, String deliveryId) {
    return Async.of(ses.sendEmail(request(email, deliveryId))).map(r -> r.messageId());
  }

  SendEmailRequest request(RenderedEmail email, String deliveryId) {
    Body.Builder body = Body.builder().html(content(email.html()));
    if (email.text() != null) {
      body.text(content(email.text()));
    }
    Message.Builder message = Message.builder().subject(content(email.subject())).body(body.build());
    if (!email.headers().isEmpty()) {
      message.headers(email.headers().stream()
          .map(h -> MessageHeader.builder().name(h.name()).value(h.value()).build()).toList());
    }
    return SendEmailRequest.builder()
        .fromEmailAddress(email.from())
        .destination(d -> d.toAddresses(email.to()))
        .content(EmailContent.builder().simple(message.build()).build())
        .configurationSetName(configurationSet)
        .emailTags(MessageTag.builder().name(CAMPAIGN_TAG).value(tagValue(email.campaignId())).build(),
            MessageTag.builder().name(DELIVERY_TAG).value(tagValue(deliveryId)).build())
        .build();
  }

  private static Content content(String data) {
    return Content.builder().charset(StandardCharsets.UTF_8.name()).data(data).build();
  }

  /** SES tag values allow letters, digits, '_' and '-' only. */
  private static String tagValue(String value) {
    return value.replaceAll("[^A-Za-z0-9_-]", "_");
  }

  @Override
  public String name() {
    return "ses";
  }
}
