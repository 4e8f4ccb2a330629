package io.mailroom.console;

import io.vertx.ext.web.Router;

/**
 * A part of the console that brings its own pages. {@link #mount} is given the {@code /console}
 * sub-router, already behind the sign-in, session and CSRF checks, and the view that renders pages
 * in the console's layout.
 */
public interface ConsoleSection {
  void mount(Router router, ConsoleView view);
}
