package io.backfillfleet.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * Debian's Chromium, headless, for checking the HTML pages the tools write in a real browser: the DOM it built and
 * a screenshot. scripts/test.sh installs it; where it cannot be installed the test is skipped with that reason.
 */
final class HeadlessChromium {
  private static final Path CHROMIUM = Path.of(System.getProperty("backfill.chromium", "/usr/bin/chromium"));

  private HeadlessChromium() {}

  static void assumeInstalled() {
    assumeTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is not installed (scripts/test.sh installs Debian's chromium"
        + " package): the browser check of the HTML reports cannot run here");
  }

  private static String run(Path work, List<String> extra) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + Files.createTempDirectory(work, "chromium-profile")));
    cmd.addAll(extra);
    Process p = new ProcessBuilder(cmd).redirectError(work.resolve("chromium.log").toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("chromium did not finish in 120 s");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("chromium exited " + p.exitValue() + ": " + Files.readString(work.resolve("chromium.log")));
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  /** The page's DOM after the browser parsed and laid it out. */
  static String dom(Path page, Path work) throws IOException, InterruptedException {
    return run(work, List.of("--dump-dom", page.toUri().toString()));
  }

  /** A screenshot of the page at {@code width} x {@code height}. */
  static BufferedImage screenshot(Path page, Path work, int width, int height) throws IOException, InterruptedException {
    Path png = work.resolve(page.getFileName() + ".png");
    run(work, List.of("--window-size=" + width + "," + height, "--screenshot=" + png, page.toUri().toString()));
    BufferedImage img = ImageIO.read(png.toFile());
    if (img == null) throw new IllegalStateException("no screenshot at " + png);
    return img;
  }

  /** How many pixels are within a small distance of {@code rgb} (anti-aliasing and colour management aside). */
  static long pixelsNear(BufferedImage img, int rgb) {
    long n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int p = img.getRGB(x, y);
        int d = Math.abs(((p >> 16) & 0xff) - ((rgb >> 16) & 0xff)) + Math.abs(((p >> 8) & 0xff) - ((rgb >> 8) & 0xff))
            + Math.abs((p & 0xff) - (rgb & 0xff));
        if (d <= 24) n++;
      }
    }
    return n;
  }
}
