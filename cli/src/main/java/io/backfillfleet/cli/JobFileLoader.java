package io.backfillfleet.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Reads a job file; every problem is one message naming the file, the field and what to do. */
final class JobFileLoader {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .registerModule(new JavaTimeModule())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private JobFileLoader() {}

  static JobFile load(Path file) {
    if (!Files.isReadable(file)) throw new UsageException("job file " + file + " does not exist or cannot be read");
    try {
      JobFile f = YAML.readValue(file.toFile(), JobFile.class);
      if (f == null) throw new UsageException("job file " + file + " is empty");
      return f;
    } catch (UnrecognizedPropertyException e) {
      throw new UsageException("job file " + file + ": unknown field '" + e.getPropertyName() + "' at " + path(e)
          + "; known fields there: " + e.getKnownPropertyIds().stream().map(String::valueOf).sorted()
          .collect(Collectors.joining(", ")));
    } catch (ValueInstantiationException e) { // a setting's own check refused it, e.g. errors.tolerance
      String why = e.getCause() != null ? e.getCause().getMessage() : e.getOriginalMessage();
      throw new UsageException("job file " + file + ": " + path(e) + ": " + why);
    } catch (JsonMappingException e) {
      throw new UsageException("job file " + file + ": " + path(e) + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UsageException("job file " + file + " is not valid YAML: " + e.getMessage());
    }
  }

  private static String path(JsonMappingException e) {
    String p = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."));
    return p.isEmpty() ? "top level" : p;
  }
}
