package io.mailroom.local;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the embedded DynamoDB's launcher and its npm install are. The build leaves them in the
 * checkout's {@code src/main/dynalite} ({@code npm ci} there, in {@code generate-resources}), so
 * that folder is looked for beside the working directory and beside the jar
 * ({@code target/mailroom.jar}'s checkout); {@code MAILROOM_DYNALITE_DIR} (or the system property
 * {@code mailroom.dynalite.dir}) names another. {@code MAILROOM_NODE} names the Node.js to run.
 */
public final class DynaliteInstall {
  static final String FOLDER = "src/main/dynalite";
  private static final String LAUNCHER = "server.js";
  private static final String PACKAGE = "node_modules/dynalite/package.json";

  private DynaliteInstall() {
  }

  /** The install folder, checked; one line saying what to run when there is none. */
  public static Path locate() {
    List<Path> candidates = candidates();
    for (Path dir : candidates) {
      if (Files.isRegularFile(dir.resolve(LAUNCHER)) && Files.isRegularFile(dir.resolve(PACKAGE))) {
        return dir;
      }
    }
    Optional<Path> unbuilt = candidates.stream().filter(dir -> Files.isRegularFile(dir.resolve(LAUNCHER))).findFirst();
    if (unbuilt.isPresent()) {
      throw new LocalServerMissing("the embedded DynamoDB (dynalite) is not installed in " + unbuilt.get()
          + ": run 'mvn -q package -DskipTests' (it runs npm ci there), or set dynamodb.endpoint to a DynamoDB");
    }
    throw new LocalServerMissing("the embedded DynamoDB (dynalite) was not found (looked in " + candidates
        + "): run the node from the Mailroom checkout after 'mvn -q package -DskipTests', set MAILROOM_DYNALITE_DIR,"
        + " or set dynamodb.endpoint to a DynamoDB");
  }

  /** The Node.js program: {@code MAILROOM_NODE}, or {@code node} on the PATH. */
  public static String node() {
    String configured = System.getenv("MAILROOM_NODE");
    return configured == null || configured.isBlank() ? "node" : configured;
  }

  static List<Path> candidates() {
    List<Path> dirs = new ArrayList<>();
    String named = System.getProperty("mailroom.dynalite.dir", System.getenv("MAILROOM_DYNALITE_DIR"));
    if (named != null && !named.isBlank()) {
      dirs.add(Path.of(named).toAbsolutePath().normalize());
      return dirs;
    }
    dirs.add(Path.of(FOLDER).toAbsolutePath().normalize());
    jarCheckout().map(dir -> dir.resolve(FOLDER).normalize()).filter(dir -> !dirs.contains(dir)).ifPresent(dirs::add);
    return dirs;
  }

  /** The checkout a jar in {@code target/} was built in, or the classes folder's. */
  private static Optional<Path> jarCheckout() {
    try {
      var source = DynaliteInstall.class.getProtectionDomain().getCodeSource();
      if (source == null) {
        return Optional.empty();
      }
      Path built = Path.of(source.getLocation().toURI()).toAbsolutePath();
      Path target = built.getParent();
      return target == null ? Optional.empty() : Optional.ofNullable(target.getParent());
    } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
      return Optional.empty();
    }
  }
}
