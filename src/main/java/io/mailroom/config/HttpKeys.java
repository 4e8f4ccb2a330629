package io.mailroom.config;

/** Reads the {@code http.*} and {@code management.*} keys: the two servers, their limits and timeouts. */
final class HttpKeys {
  private HttpKeys() {
  }

  static MailroomConfig.Http read(ConfigReader r) {
    int idle = r.integer("http.idleTimeoutSeconds", 1, 3600);
    int request = r.integer("http.requestTimeoutSeconds", 1, 3600);
    if (request > idle) {
      throw new ConfigException("config key 'http.requestTimeoutSeconds' must not be greater than"
          + " 'http.idleTimeoutSeconds'");
    }
    MailroomConfig.Management management = new MailroomConfig.Management(r.nonEmpty("management.host"),
        r.integer("management.port", 0, 65535));
    MailroomConfig.Http http = new MailroomConfig.Http(r.nonEmpty("http.host"), r.integer("http.port", 0, 65535),
        r.integer("http.maxBodyBytes", 1024, 10 * 1024 * 1024), idle, request, management);
    if (http.port() != 0 && http.port() == management.port()) {
      throw new ConfigException("config key 'management.port' must differ from 'http.port'");
    }
    return http;
  }
}
