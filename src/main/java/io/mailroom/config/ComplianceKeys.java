package io.mailroom.config;

import io.mailroom.compliance.ComplianceProfile;
import io.mailroom.compliance.ComplianceSettings;
import io.mailroom.compliance.QuietHours;

import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;

/**
 * Reads the {@code compliance.*} keys: {@code compliance.profile} ({@code kr} or {@code none}) and,
 * under {@code kr}, the four {@code compliance.sender.*} values the footer names, none of them empty
 * and none with a line break. Production must name the profile (see {@link ProductionChecks});
 * elsewhere a configuration without it sends under {@code none}. {@code compliance.quietHours}
 * ({@code enabled}, {@code start}, {@code end}, {@code zone}) applies under any profile and is off
 * when absent.
 */
final class ComplianceKeys {
  static final String PROFILE = "compliance.profile";
  private static final String RECONFIRM = "compliance.reconfirm.";
  static final String QUIET = "compliance.quietHours";
  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm")
      .withResolverStyle(ResolverStyle.STRICT);
  private static final String[] SENDER = {"name", "email", "phone", "address"};

  private ComplianceKeys() {
  }

  static ComplianceSettings read(ConfigReader r) {
    return profileAndSender(r).withQuietHours(quietHours(r));
  }

  private static ComplianceSettings profileAndSender(ConfigReader r) {
    if (!named(r)) {
      return ComplianceSettings.none();
    }
    ComplianceProfile profile = r.choice(PROFILE, ComplianceProfile.class);
    if (profile == ComplianceProfile.NONE) {
      return ComplianceSettings.none();
    }
    String[] values = new String[SENDER.length];
    for (int i = 0; i < SENDER.length; i++) {
      values[i] = senderValue(r, "compliance.sender." + SENDER[i]);
    }
    return new ComplianceSettings(profile, new ComplianceSettings.SenderIdentity(values[0], values[1], values[2],
        values[3]), QuietHours.off(), notices(r));
  }

  /**
   * The consent notices under {@code kr}: {@code compliance.reconfirm.enabled} (default true),
   * {@code .intervalSeconds} (default 3600), {@code .leadDays} (default 30),
   * {@code compliance.confirmSyncedChanges} (default false) and {@code compliance.confirmSweepSeconds}
   * (default 15). Every change made through Mailroom is confirmed under {@code kr}.
   */
  static ComplianceSettings.Notices notices(ConfigReader r) {
    boolean reconfirm = !r.has(RECONFIRM + "enabled") || r.bool(RECONFIRM + "enabled");
    return new ComplianceSettings.Notices(reconfirm,
        r.integer(RECONFIRM + "intervalSeconds", 1, 86_400, 3600),
        r.integer(RECONFIRM + "leadDays", 1, 365, 30),
        true,
        r.has("compliance.confirmSyncedChanges") && r.bool("compliance.confirmSyncedChanges"),
        r.integer("compliance.confirmSweepSeconds", 1, 3600, 15));
  }

  /** Whether the configuration names a profile (an empty value, as in conf/production.json, does not). */
  static boolean named(ConfigReader r) {
    return r.has(PROFILE) && !r.string(PROFILE).isEmpty();
  }

  private static String senderValue(ConfigReader r, String key) {
    if (!r.has(key) || r.string(key).isEmpty()) {
      throw new ConfigException("config key '" + key + "' must be set when '" + PROFILE + "' is kr: every"
          + " advertising email names its sender (정보통신망법 제50조)");
    }
    String value = r.string(key);
    if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
      throw new ConfigException("config key '" + key + "' must be one line");
    }
    return value;
  }

  /**
   * {@code compliance.quietHours}: off when absent; its values are checked even when it is not
   * enabled ({@code start} and {@code end} HH:mm times that differ, {@code zone} a zone id).
   */
  static QuietHours quietHours(ConfigReader r) {
    if (!r.has(QUIET)) {
      return QuietHours.off();
    }
    boolean enabled = r.bool(QUIET + ".enabled");
    LocalTime start = time(r, QUIET + ".start");
    LocalTime end = time(r, QUIET + ".end");
    if (start.equals(end)) {
      throw new ConfigException("config key '" + QUIET + ".end' must differ from '" + QUIET + ".start'");
    }
    ZoneId zone = zone(r, QUIET + ".zone");
    return enabled ? new QuietHours(true, start, end, zone) : QuietHours.off();
  }

  private static ZoneId zone(ConfigReader r, String key) {
    String text = r.string(key);
    try {
      return ZoneId.of(text);
    } catch (DateTimeException e) {
      throw new ConfigException("config key '" + key + "' must be a time zone id such as Asia/Seoul, not '" + text
          + "'");
    }
  }

  private static LocalTime time(ConfigReader r, String key) {
    String text = r.string(key);
    try {
      return LocalTime.parse(text, HH_MM);
    } catch (DateTimeException e) {
      throw new ConfigException("config key '" + key + "' must be a time HH:mm (00:00 to 23:59), not '" + text + "'");
    }
  }
}
