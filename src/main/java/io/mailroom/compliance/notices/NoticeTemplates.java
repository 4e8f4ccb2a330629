package io.mailroom.compliance.notices;

import io.mailroom.campaign.Template;
import io.mailroom.campaign.TemplateStore;
import io.vertx.core.Future;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The two consent notices' templates, kept in the Templates table under fixed ids like any other
 * template (so that {@code PUT /v1/templates/reconfirm-consent} edits one), and put there with their
 * default content, Korean first and then English, when they are absent.
 */
final class NoticeTemplates {
  /** The two-year reconfirmation: sender, consent date, how to keep (do nothing) or withdraw. */
  static final String RECONFIRM = "reconfirm-consent";
  /** The confirmation of one consent change: consent given again, or withdrawn. */
  static final String CHANGE = "consent-change";

  private NoticeTemplates() {
  }

  /** Puts each template that is not there (or was deleted) with its default content. */
  static Future<Void> ensure(TemplateStore store) {
    return Future.all(List.of(RECONFIRM, CHANGE).stream().map(id -> store.get(id)
        .compose(found -> found.isPresent() ? Future.succeededFuture() : store.put(defaults(id)))).toList())
        .mapEmpty();
  }

  static Template defaults(String id) {
    if (RECONFIRM.equals(id)) {
      return new Template(RECONFIRM, "Consent reconfirmation (every two years)",
          "[{{ SenderName }}] 광고성 정보 수신동의 여부 확인 안내 / Your consent to our advertising email",
          resource(RECONFIRM + ".html"), resource(RECONFIRM + ".txt"), List.of());
    }
    return new Template(CHANGE, "Consent change confirmation",
        "[{{ SenderName }}] {% if Subscribed %}수신동의 처리 결과 안내 / You are subscribed{% else %}"
            + "수신거부 처리 결과 안내 / You are unsubscribed{% endif %}",
        resource(CHANGE + ".html"), resource(CHANGE + ".txt"), List.of());
  }

  private static String resource(String name) {
    try (InputStream in = NoticeTemplates.class.getResourceAsStream("/notices/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource /notices/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
