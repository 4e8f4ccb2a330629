package io.mailroom.console.authoring;

import io.mailroom.console.ConsoleSection;
import io.mailroom.console.ConsoleView;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The console's authoring pages: templates (list and editor with preview and test send), the
 * new-campaign wizard and the suppressions page, with their style sheet and script. Every action
 * goes through the node's API ({@link ConsoleView#api()}); every POST first checks the user's role.
 */
public final class AuthoringSection implements ConsoleSection {
  private static final Map<String, String> FILES = Map.of(
      "authoring.css", "text/css; charset=utf-8",
      "authoring.js", "text/javascript; charset=utf-8");

  @Override
  public void mount(Router router, ConsoleView view) {
    FILES.forEach((name, type) -> {
      Buffer bytes = read("console/authoring/" + name);
      router.get("/authoring/" + name).handler(rc -> rc.response().putHeader("Content-Type", type).end(bytes));
    });
    new TemplatePages(view).mount(router);
    new CampaignWizard(view).mount(router);
    new SuppressionPages(view).mount(router);
  }

  private static Buffer read(String resource) {
    try (InputStream in = AuthoringSection.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the jar");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
