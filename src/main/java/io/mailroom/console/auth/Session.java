package io.mailroom.console.auth;

/** A signed-in console session: the user's name and configured role, its CSRF token, and until when it lives unless used. */
public record Session(String name, String role, String csrf, long expiresAt) { }
