package dev.lanterne.model;

import dev.lanterne.LanterneException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.LongConsumer;

/** Downloads a model listed in a card, checks its SHA-256, and moves it into place only when it is whole. */
public final class ModelFetcher {
  private ModelFetcher() {}

  /**
   * Downloads card.url() into dir/card.file(); returns the path. A file already there with the right
   * checksum is kept.
   *
   * @param progress receives the number of bytes read so far
   */
  public static Path fetch(ModelCard card, Path dir, LongConsumer progress) {
    if (card.url() == null) {
      throw LanterneException.usage("model " + card.name() + " has no download address in its card;"
          + " get it as onnx/README.md explains");
    }
    Path target = dir.resolve(card.file());
    if (Files.isRegularFile(target) && card.sha256() != null
        && card.sha256().equalsIgnoreCase(dev.lanterne.onnx.OnnxModels.sha256(target))) {
      return target;
    }
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + card.file(), ".part");
      HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
          .connectTimeout(Duration.ofSeconds(20)).build();
      HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create(card.url()))
          .timeout(Duration.ofMinutes(30)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        response.body().close();
        throw new LanterneException("download of " + card.name() + " failed with HTTP " + response.statusCode()
            + " from " + card.url() + "; download it by hand and open the file as the model");
      }
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(tmp)) {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        for (int r; (r = in.read(buf)) > 0; ) {
          out.write(buf, 0, r);
          md.update(buf, 0, r);
          total += r;
          progress.accept(total);
        }
      }
      String sha = HexFormat.of().formatHex(md.digest());
      if (card.sha256() != null && !card.sha256().equalsIgnoreCase(sha)) {
        throw new LanterneException("checksum mismatch for " + card.name() + ": expected " + card.sha256() + ", got "
            + sha + "; the download is damaged or the file changed upstream, try again");
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
      if (card.sha256() == null) {
        System.err.println("lanterne: warning: no checksum is pinned for " + card.name() + "; downloaded file has"
            + " sha256 " + sha);
      }
      return target;
    } catch (IOException e) {
      throw new LanterneException("cannot download " + card.name() + " from " + card.url() + " ("
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
          + "); check your network, or download it by hand and open the file as the model", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LanterneException("download of " + card.name() + " was interrupted; run lanterne fetch again", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the partial file is hidden; nothing else to do
        }
      }
    }
  }
}
