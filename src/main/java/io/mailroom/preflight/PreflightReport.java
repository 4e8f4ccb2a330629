package io.mailroom.preflight;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The preflight report: its sections in order, as text for people or JSON for machines, and its exit code. */
public final class PreflightReport {
  private final String subject;
  private final Map<String, List<Check>> sections = new LinkedHashMap<>();

  /** {@code subject}: what was checked, e.g. the From address. */
  public PreflightReport(String subject) {
    this.subject = subject;
  }

  public PreflightReport section(String title, List<Check> checks) {
    sections.put(title, List.copyOf(checks));
    return this;
  }

  private long count(Check.Status status) {
    return sections.values().stream().flatMap(List::stream).filter(c -> c.status() == status).count();
  }

  /** 0 when nothing blocks sending, 1 otherwise. */
  public int exitCode() {
    return count(Check.Status.FAIL) == 0 ? 0 : 1;
  }

  public String summary() {
    long failed = count(Check.Status.FAIL);
    return (failed == 0 ? "ready to send" : "not ready: " + failed + " blocking") + " (" + count(Check.Status.OK)
        + " ok, " + count(Check.Status.WARN) + " warnings, " + failed + " failed)";
  }

  public String text() {
    StringBuilder out = new StringBuilder("Mailroom preflight for ").append(subject).append(System.lineSeparator());
    sections.forEach((title, checks) -> {
      out.append(System.lineSeparator()).append(title).append(System.lineSeparator());
      checks.forEach(c -> out.append(c.line()).append(System.lineSeparator()));
    });
    return out.append(System.lineSeparator()).append(summary()).append(System.lineSeparator()).toString();
  }

  public JsonObject json() {
    JsonObject json = new JsonObject().put("subject", subject).put("ready", exitCode() == 0)
        .put("summary", summary());
    JsonObject all = new JsonObject();
    sections.forEach((title, checks) -> all.put(title, new JsonArray(checks.stream().map(Check::json).toList())));
    return json.put("sections", all);
  }
}
