package io.backfillfleet.coordinator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;

/**
 * JSON for every znode this project writes. Unknown fields are ignored so an older worker can read a node
 * written by a newer one of the same schema; a node that cannot be read raises {@link CorruptNodeException}
 * naming its path.
 */
public final class NodeCodec {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .build();

  private NodeCodec() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static byte[] encode(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  public static <T> T decode(String path, byte[] data, Class<T> type) {
    if (data == null || data.length == 0) {
      throw new CorruptNodeException(path, "the node is empty, expected " + type.getSimpleName() + " JSON");
    }
    try {
      return MAPPER.readValue(data, type);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new CorruptNodeException(path, cause.getMessage(), e);
    } catch (MismatchedInputException e) {
      throw new CorruptNodeException(path, e.getOriginalMessage() + fieldOf(e), e);
    } catch (IOException e) {
      String msg = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
      throw new CorruptNodeException(path, "not valid " + type.getSimpleName() + " JSON: " + msg, e);
    }
  }

  private static String fieldOf(MismatchedInputException e) {
    if (e.getPath() == null || e.getPath().isEmpty()) return "";
    return " (field '" + e.getPath().get(e.getPath().size() - 1).getFieldName() + "')";
  }
}
