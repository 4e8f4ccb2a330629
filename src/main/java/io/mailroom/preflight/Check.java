package io.mailroom.preflight;

import io.vertx.core.json.JsonObject;

/**
 * One line of the preflight report: what was checked, how it came out, what was found and, when it
 * is not fine, what the operator should do.
 */
public record Check(String name, Status status, String detail, String fix) {

  /** A failure blocks sending (exit 1); a warning does not. */
  public enum Status {
    OK("✓"), WARN("!"), FAIL("✗");

    private final String mark;

    Status(String mark) {
      this.mark = mark;
    }

    public String mark() {
      return mark;
    }
  }

  public static Check ok(String name, String detail) {
    return new Check(name, Status.OK, detail, "");
  }

  public static Check warn(String name, String detail, String fix) {
    return new Check(name, Status.WARN, detail, fix);
  }

  public static Check fail(String name, String detail, String fix) {
    return new Check(name, Status.FAIL, detail, fix);
  }

  public boolean blocks() {
    return status == Status.FAIL;
  }

  /** The report's text line(s): mark, name, detail, and the fix indented below it. */
  public String line() {
    String line = "  " + status.mark() + " " + name + ": " + detail;
    return fix.isEmpty() ? line : line + System.lineSeparator() + "      → " + fix;
  }

  public JsonObject json() {
    return new JsonObject().put("name", name).put("status", status.name().toLowerCase())
        .put("detail", detail).put("fix", fix);
  }
}
