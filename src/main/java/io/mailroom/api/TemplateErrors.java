package io.mailroom.api;

import io.mailroom.campaign.TemplateStore;
import io.mailroom.compliance.AdvertisingMark;
import io.mailroom.http.ApiError;
import io.mailroom.render.TemplateCheck;
import io.mailroom.render.TemplateProblem;
import io.vertx.core.Future;

/**
 * The refusal for a template that failed its check or could not be saved: 400
 * {@code template_syntax} or {@code template_forbidden} (with {@code line} and {@code column}, each
 * null where it is not known), 422 {@code template_render}, 409 {@code concurrent_update}, 413
 * {@code template_too_large}. Any other failure is passed on as it is.
 */
final class TemplateErrors {
  private TemplateErrors() {
  }

  /**
   * {@code subject} (a campaign's, a preview's or a test send's override; null: none) checked like a
   * template, so that a broken one is refused before anything is written or sent.
   */
  static Future<Void> checkedSubject(TemplateCheck check, String subject) {
    if (subject == null) {
      return Future.succeededFuture();
    }
    try {
      refuseMarkInSubject("subject", subject);
    } catch (ApiError e) {
      return Future.failedFuture(e);
    }
    return check.subject(subject).recover(e -> Future.failedFuture(of(e)));
  }

  /**
   * Refuses a subject that carries the {@code (광고)} mark in any form but the exact one at its start
   * ({@code [광고]}, {@code (광 고)}, {@code （광고）}, or the mark later on): Mailroom adds the mark itself.
   */
  static void refuseMarkInSubject(String field, String subject) {
    AdvertisingMark.variantInSubject(subject).ifPresent(variant -> {
      throw ApiError.badField(field, "advertising_mark", field + " " + AdvertisingMark.reason(variant));
    });
  }

  /** Refuses a body that carries a variant of the {@code (광고)} mark (the exact form is allowed in a body). */
  static void refuseMarkInBody(String field, String body) {
    AdvertisingMark.variantInBody(body).ifPresent(variant -> {
      throw ApiError.badField(field, "advertising_mark", field + " " + AdvertisingMark.reason(variant));
    });
  }

  static Throwable of(Throwable error) {
    if (error instanceof TemplateProblem problem) {
      return problem(problem);
    }
    if (error instanceof TemplateStore.ConcurrentUpdate) {
      return new ApiError(409, "concurrent_update", error.getMessage(), null);
    }
    if (error instanceof TemplateStore.TooLarge) {
      return new ApiError(413, "template_too_large", error.getMessage(), "html");
    }
    return error;
  }

  private static ApiError problem(TemplateProblem problem) {
    ApiError api = switch (problem.kind()) {
      case SYNTAX -> ApiError.badField(problem.field(), "template_syntax", problem.getMessage());
      case FORBIDDEN -> ApiError.badField(problem.field(), "template_forbidden", problem.getMessage())
          .withDetail("tag", problem.tag());
      case RENDER -> new ApiError(422, "template_render", problem.getMessage(), problem.field());
    };
    // the line is left out where Pebble does not know it (an output cap); the column is null where it is not known
    if (problem.line() != null) {
      api.withDetail("line", problem.line());
    }
    return api.withDetail("column", problem.column());
  }
}
