package io.mailroom.render;

import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.error.LoaderException;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.loader.Loader;
import io.pebbletemplates.pebble.template.PebbleTemplate;

import java.io.Reader;
import java.io.StringWriter;
import java.util.Map;

/**
 * The one Pebble configuration every template is compiled and rendered with, at submission and at
 * send time: HTML autoescaped or plain; a loader that loads nothing, so no template can reach
 * another; no method calls on objects (a field of a map is still read as {@code {{ user.Name }}});
 * the changes of {@link SandboxExtension}; output capped at {@link #MAX_OUTPUT_CHARS}; and each
 * evaluation within a {@link RenderBudget}.
 */
final class Sandbox {
  /** The most one part of an email (subject, HTML or text) may render to. */
  static final int MAX_OUTPUT_CHARS = 2 * 1024 * 1024;

  private static final PebbleEngine HTML = builder().autoEscaping(true).defaultEscapingStrategy("html").build();
  private static final PebbleEngine PLAIN = builder().autoEscaping(false).build();

  private Sandbox() {
  }

  private static PebbleEngine.Builder builder() {
    return new PebbleEngine.Builder()
        .loader(new NoTemplates())
        .methodAccessValidator((object, method) -> false)
        .registerExtensionCustomizer(SandboxExtension::new)
        .maxRenderedSize(MAX_OUTPUT_CHARS)
        .cacheActive(false)
        .newLineTrimming(false);
  }

  /** Compiles one part; a syntax error or a forbidden tag is a {@link TemplateProblem} naming {@code field}. */
  static PebbleTemplate compile(String field, String source, boolean html) {
    try {
      return (html ? HTML : PLAIN).getLiteralTemplate(source);
    } catch (SandboxExtension.ForbiddenTag e) {
      throw TemplateProblem.forbidden(field, e.tag(), e.getLineNumber(),
          Columns.ofTag(source, e.getLineNumber(), e.tag()), e);
    } catch (RuntimeException e) {
      Integer line = e instanceof PebbleException pebble ? pebble.getLineNumber() : null;
      String message = e instanceof PebbleException pebble ? pebble.getPebbleMessage() : e.getMessage();
      throw TemplateProblem.syntax(field, message, line, Columns.ofUnclosed(source, line), e);
    }
  }

  /**
   * Renders one part with a fresh budget; anything that goes wrong (a missing filter, a value of the
   * wrong type, the budget or the output cap, a recursion too deep) is a render {@link TemplateProblem}.
   */
  static String evaluate(String field, PebbleTemplate template, Map<String, Object> fields) {
    try {
      return RenderBudget.within(() -> {
        StringWriter out = new StringWriter(8192);
        template.evaluate(out, fields);
        return out.toString();
      });
    } catch (StackOverflowError e) {
      throw TemplateProblem.render(field, "the template nests too deeply", null, null);
    } catch (PebbleException e) {
      throw TemplateProblem.render(field, e.getPebbleMessage(), e.getLineNumber(), e);
    } catch (Exception e) {
      throw TemplateProblem.render(field, e.getMessage(), null, e);
    }
  }

  /** The loader of a sandbox: there is no other template to load. */
  private static final class NoTemplates implements Loader<String> {
    @Override
    public Reader getReader(String name) {
      throw new LoaderException(null, "templates cannot load other templates ('" + name + "')");
    }

    @Override
    public void setCharset(String charset) {
      // nothing is read
    }

    @Override
    public void setPrefix(String prefix) {
      // nothing is read
    }

    @Override
    public void setSuffix(String suffix) {
      // nothing is read
    }

    @Override
    public String resolveRelativePath(String relativePath, String anchorPath) {
      return relativePath;
    }

    @Override
    public String createCacheKey(String name) {
      return name;
    }

    @Override
    public boolean resourceExists(String name) {
      return false;
    }
  }
}
