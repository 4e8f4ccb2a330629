package io.mailroom.send;

import io.mailroom.render.RenderedEmail;

import java.util.ArrayList;
import java.util.List;

/**
 * The header lines an email leaves with, as both transports give it: {@code From}, {@code To},
 * {@code Subject}, the email's own headers ({@code List-Unsubscribe}…) and {@code MIME-Version}.
 * SES builds them from {@code SendEmail}'s simple content ({@link SesTransport}); the outbox writes
 * them itself ({@link OutboxTransport}). Left out are the lines that differ on every send or only
 * describe the MIME structure: {@code Message-ID}, {@code Date}, {@code Content-Type} and
 * {@code Content-Transfer-Encoding}.
 */
public final class WireHeaders {
  private WireHeaders() {
  }

  public static List<RenderedEmail.Header> of(RenderedEmail email) {
    List<RenderedEmail.Header> headers = new ArrayList<>(email.headers().size() + 4);
    headers.add(new RenderedEmail.Header("From", email.from()));
    headers.add(new RenderedEmail.Header("To", email.to()));
    headers.add(new RenderedEmail.Header("Subject", email.subject()));
    headers.addAll(email.headers());
    headers.add(new RenderedEmail.Header("MIME-Version", "1.0"));
    return headers;
  }
}
