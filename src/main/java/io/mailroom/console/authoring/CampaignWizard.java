package io.mailroom.console.authoring;

import io.mailroom.console.ConsoleView;
import io.mailroom.console.Role;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.DateTimeException;
import java.util.Map;

/**
 * {@code /console/campaigns/new}: a new campaign step by step: the template, the audience (with the
 * API's estimate, redrawn as the conditions change), the subject, a preview for a customer, a test
 * send, and then send now or at a local time in a time zone. The state lives in the page
 * ({@link WizardState}); the last step's POST creates the campaign through {@code POST /v1/campaigns}
 * and goes to its page.
 */
final class CampaignWizard {
  private static final String PAGE = "console/authoring/wizard.peb";
  private final ConsoleView view;

  CampaignWizard(ConsoleView view) {
    this.view = view;
  }

  void mount(Router router) {
    router.get("/campaigns/new").handler(this::step);
    router.post("/campaigns/new").handler(this::create);
    router.post("/campaigns/new/estimate").handler(this::estimate);
    router.post("/campaigns/new/preview").handler(this::preview);
    router.post("/campaigns/new/test").handler(this::test);
  }

  private void step(RoutingContext rc) {
    if (!view.allow(rc, Role.MARKETER)) {
      return;
    }
    WizardState state = WizardState.of(rc, false);
    int step = step(Pages.query(rc, "step"));
    if (step > 1 && state.get("templateId").isEmpty()) {
      show(rc, state, 1, Pages.error("templateId", Pages.texts(view.lang(rc)).get("wizard.pickTemplate")), 200);
      return;
    }
    show(rc, state, step, null, 200);
  }

  private static int step(String raw) {
    try {
      return Math.max(1, Math.min(WizardState.STEPS, Integer.parseInt(raw)));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /** The page of {@code step}; the first step lists the templates to choose from. */
  private void show(RoutingContext rc, WizardState state, int step, Map<String, Object> error, int status) {
    Map<String, Object> model = Pages.model(view, rc);
    model.put("step", step);
    model.put("steps", WizardState.STEPS);
    model.put("s", state.values());
    model.put("hidden", state.hidden(step));
    model.put("rows", state.rows());
    model.put("stateQuery", state.query());
    model.put("error", error);
    model.put("errorRow", error == null ? -1 : WizardState.row(String.valueOf(error.get("field"))));
    JsonObject audience = state.audience();
    model.put("audienceJson", audience == null ? "" : audience.encodePrettily());
    if (step != 1) {
      view.render(rc, status, PAGE, model);
      return;
    }
    view.api().call(view.user(rc), HttpMethod.GET, "/v1/templates?limit=100", null).onSuccess(reply -> {
      model.put("templates", Pages.plain(reply.body().getJsonArray("templates", new JsonArray())));
      view.render(rc, status, PAGE, model);
    }).onFailure(rc::fail);
  }

  /** {@code POST /console/campaigns/new/estimate} (htmx): how many the conditions select and would reach. */
  private void estimate(RoutingContext rc) {
    if (!view.allow(rc, Role.MARKETER)) {
      return;
    }
    WizardState state = WizardState.of(rc, true);
    view.api().call(view.user(rc), HttpMethod.POST, "/v1/audiences/estimate", state.estimate()).onSuccess(reply -> {
      Map<String, Object> model = Pages.model(view, rc);
      if (reply.ok()) {
        model.put("estimate", Pages.plain(reply.body()));
      } else {
        Map<String, Object> error = Pages.error(reply);
        model.put("error", error);
        model.put("errorRow", WizardState.row(String.valueOf(error.get("field"))));
      }
      view.renderFragment(rc, "console/authoring/estimate.peb", model);
    }).onFailure(rc::fail);
  }

  /** {@code POST /console/campaigns/new/preview} (htmx): the email for a customer, or for a sample. */
  private void preview(RoutingContext rc) {
    if (!view.allow(rc, Role.MARKETER)) {
      return;
    }
    WizardState state = WizardState.of(rc, true);
    if (!Pages.TEMPLATE_ID.matcher(state.get("templateId")).matches()) {
      view.error(rc, 404, "error.notFound");
      return;
    }
    JsonObject body = state.get("previewEmail").isEmpty()
        ? new JsonObject().put("sample", new JsonObject())
        : new JsonObject().put("email", state.get("previewEmail"));
    if (!state.get("subject").isEmpty()) {
      body.put("subject", state.get("subject"));
    }
    if (!state.get("topic").isEmpty()) {
      body.put("topic", state.get("topic"));
    }
    Previews.render(view, rc, "/v1/templates/" + state.get("templateId") + "/preview", body);
  }

  /** {@code POST /console/campaigns/new/test} (htmx): a test send with the campaign's subject. */
  private void test(RoutingContext rc) {
    if (!view.allow(rc, Role.MARKETER)) {
      return;
    }
    WizardState state = WizardState.of(rc, true);
    if (!Pages.TEMPLATE_ID.matcher(state.get("templateId")).matches()) {
      view.error(rc, 404, "error.notFound");
      return;
    }
    Previews.testSend(view, rc, state.get("templateId"), state.get("testTo"), state.get("subject"));
  }

  /** The last step: creates the campaign and goes to its page, or shows the refusal at its step. */
  private void create(RoutingContext rc) {
    if (!view.allow(rc, Role.MARKETER)) {
      return;
    }
    WizardState state = WizardState.of(rc, true);
    JsonObject body;
    try {
      body = state.campaign();
    } catch (DateTimeException e) {
      show(rc, state, 6, Pages.error("sendAt", Pages.texts(view.lang(rc)).get("wizard.badTime")), 400);
      return;
    }
    view.api().call(view.user(rc), HttpMethod.POST, "/v1/campaigns", body).onSuccess(reply -> {
      if (reply.ok()) {
        Pages.redirect(rc, "/console/campaigns/" + reply.body().getString("campaignId"));
        return;
      }
      Map<String, Object> error = Pages.error(reply);
      show(rc, state, WizardState.stepOf(String.valueOf(error.get("field"))), error, reply.status());
    }).onFailure(rc::fail);
  }
}
