package io.mailroom.api;

import io.mailroom.audience.Recipient;
import io.mailroom.campaign.Template;
import io.mailroom.campaign.TemplateStore;
import io.mailroom.http.ApiError;
import io.mailroom.http.PathParams;
import io.mailroom.limit.NoSendSlot;
import io.mailroom.render.EmailComposer;
import io.mailroom.render.RenderedEmail;
import io.mailroom.render.Renderer;
import io.mailroom.render.TemplateCheck;
import io.mailroom.send.TestRecipients;
import io.mailroom.send.TestSend;
import io.mailroom.send.WireHeaders;
import io.pebbletemplates.pebble.error.PebbleException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.List;

/**
 * {@code POST /v1/templates/{id}/preview}: a template's email exactly as the Sender would send it
 * (composed on the same path, with a preview token in its unsubscribe link), to a customer or to
 * sample fields; and {@code POST /v1/templates/{id}/test}: that email, marked {@code [TEST]}, sent
 * at once to 1 to 10 allowed addresses ({@link TestRecipients}), all of them checked before any is sent.
 * Both compose as advertising unless the body says {@code "kind": "notice"}.
 */
public final class PreviewRoutes {
  private static final String RETRY_AFTER = "Retry-After";

  private final List<String> topics;
  private final TemplateStore templates;
  private final EmailComposer composer;
  private final TestRecipients recipients;
  private final TestSend tests;
  private final TemplateCheck subjectCheck;

  public PreviewRoutes(List<String> topics, TemplateStore templates, EmailComposer composer, TestRecipients recipients,
                       TestSend tests, TemplateCheck subjectCheck) {
    this.subjectCheck = subjectCheck;
    this.topics = topics;
    this.templates = templates;
    this.composer = composer;
    this.recipients = recipients;
    this.tests = tests;
  }

  void mount(Router router, RouteGuard guard, int bodyLimit) {
    router.post("/v1/templates/:id/preview")
        .handler(BodyHandler.create(false).setBodyLimit(bodyLimit))
        .handler(RouteGuard::requireJson)
        .handler(PathParams::check)
        .handler(guard::authenticate)
        .handler(this::preview);
    router.post("/v1/templates/:id/test")
        .handler(BodyHandler.create(false).setBodyLimit(bodyLimit))
        .handler(RouteGuard::requireJson)
        .handler(PathParams::check)
        .handler(guard::authenticate)
        .handler(this::test);
  }

  private void preview(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    AuthoringRequests.Preview request = AuthoringRequests.preview(ctx.body().asString(), topics);
    if (request.draft() != null) {
      previewDraft(ctx, id, request);
      return;
    }
    currentVersion(id).compose(version -> TemplateErrors.checkedSubject(subjectCheck, request.subject())
            .compose(v -> recipient(request))
            .compose(recipient -> composer.preview(EmailComposer.Trial.PREVIEW, id, version, request.subject(),
                    recipient, request.kind())
                .recover(e -> Future.failedFuture(renderRefusal(id, request.subject(), e)))))
        .onSuccess(email -> Replies.json(ctx, 200, json(email)))
        .onFailure(ctx::fail);
  }

  /**
   * The preview of a template as it is being edited, validated as a save would be (the template
   * need not exist): a part that does not compile is refused with its line, as {@code PUT} refuses it.
   */
  private void previewDraft(RoutingContext ctx, String id, AuthoringRequests.Preview request) {
    Template draft = TemplateRequest.parse(id, request.draft().copy().put("name", id).encode(), topics);
    TemplateErrors.checkedSubject(subjectCheck, request.subject())
        .compose(v -> recipient(request))
        .compose(recipient -> composer.previewDraft(draft, request.subject(), recipient, request.kind())
            .recover(e -> Future.failedFuture(renderRefusal(id, request.subject(), e))))
        .onSuccess(email -> Replies.json(ctx, 200, json(email)))
        .onFailure(ctx::fail);
  }

  /** The customer the preview is for, or the sample's fields. */
  private Future<Recipient> recipient(AuthoringRequests.Preview request) {
    return request.email() == null ? Future.succeededFuture(request.sample())
        : recipients.customer(request.email()).compose(found -> found.<Future<Recipient>>map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(new ApiError(404, "customer_not_found",
                "no customer with this address", "email"))));
  }

  private void test(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    AuthoringRequests.TestSend request = AuthoringRequests.test(ctx.body().asString());
    currentVersion(id).compose(version -> TemplateErrors.checkedSubject(subjectCheck, request.subject())
            .compose(v -> recipients.check(request.to(), request.sample()))
            .recover(e -> Future.failedFuture(e instanceof TestRecipients.Refused refused
                ? new ApiError(422, "recipient_not_allowed", "to[" + refused.index() + "] may not receive a test"
                    + " send: " + refused.getMessage(), "to[" + refused.index() + "]") : e))
            .compose(allowed -> tests.compose(id, version, request.subject(), allowed, request.kind())
                .recover(e -> Future.failedFuture(renderRefusal(id, request.subject(), e)))))
        .compose(emails -> tests.send(id, emails, ctx.get(Replies.REQUEST_ID)))
        .onSuccess(outcome -> reply(ctx, outcome))
        .onFailure(ctx::fail);
  }

  /**
   * The template's newest version, read from its head now: previews and tests render exactly that
   * version (immutable, so never a stale copy of an older one from a cache).
   */
  private Future<Long> currentVersion(String id) {
    return templates.get(id).compose(found -> found.isPresent() ? Future.succeededFuture(found.get().version())
        : Future.failedFuture(templateNotFound(id)));
  }

  private static ApiError templateNotFound(String id) {
    return new ApiError(404, "template_not_found", "no template with id '" + id + "'", "id");
  }

  /** Why an email did not compose: a template that fails its sandbox's rules, or one that does not render. */
  private static Throwable renderRefusal(String id, String subjectOverride, Throwable e) {
    Throwable checked = TemplateErrors.of(e);
    if (checked != e) {
      return checked;
    }
    if (e instanceof Renderer.TemplateException && e.getCause() == null) {
      return templateNotFound(id);
    }
    if (e instanceof PebbleException || e instanceof Renderer.TemplateException || e instanceof IllegalArgumentException) {
      return new ApiError(422, "template_render", "the template does not render: " + e.getMessage(),
          subjectOverride == null ? null : "subject");
    }
    return e;
  }

  /**
   * 202 with a message id per address when every email went. When none went, why: no send slot in
   * time (503, or 429 once the day's quota is used up, with {@code Retry-After}) or the transport
   * refused (502). When some went, 202 with those, and {@code unsent} for the rest.
   */
  private static void reply(RoutingContext ctx, TestSend.Outcome outcome) {
    if (!outcome.complete() && outcome.sent().isEmpty()) {
      Throwable why = outcome.failure();
      boolean noSlot = why instanceof NoSendSlot;
      boolean quota = noSlot && ((NoSendSlot) why).reason() == NoSendSlot.Reason.QUOTA_EXHAUSTED;
      if (noSlot) {
        ctx.response().putHeader(RETRY_AFTER, quota ? "3600" : "1");
      }
      ctx.fail(noSlot ? new ApiError(quota ? 429 : 503, quota ? "quota_exhausted" : "no_send_slot",
          quota ? "the day's SES quota is used up; nothing was sent" : "no send slot came in time; nothing was sent",
          null) : new ApiError(502, "send_failed", "the transport refused the email; nothing was sent", null));
      return;
    }
    JsonArray messages = new JsonArray();
    outcome.sent().forEach(sent -> messages.add(new JsonObject().put("to", sent.to()).put("messageId", sent.messageId())));
    JsonObject body = new JsonObject().put("messages", messages);
    String reason = outcome.failure() instanceof NoSendSlot ? "no_send_slot" : "send_failed";
    if (!outcome.complete()) {
      JsonArray unsent = new JsonArray();
      outcome.unsent().forEach(to -> unsent.add(new JsonObject().put("to", to).put("reason", reason)));
      body.put("unsent", unsent);
    }
    Replies.json(ctx, 202, body);
  }

  private static JsonObject json(RenderedEmail email) {
    JsonArray headers = new JsonArray();
    WireHeaders.of(email).forEach(h -> headers.add(new JsonObject().put("name", h.name()).put("value", h.value())));
    return new JsonObject().put("subject", email.subject()).put("html", email.html()).put("text", email.text())
        .put("headers", headers);
  }
}
