// A second EventBridge pattern matcher for the wiring checks (verify/wiring/ruler.ts): AWS's
// event-ruler (Apache-2.0, https://github.com/aws/event-ruler). Reads JSON lines on stdin,
//   {"id": "...", "pattern": "<pattern JSON>", "event": "<event JSON>"}
// (pattern and event as JSON strings, or as JSON objects), and prints one JSON line per input line:
//   {"id": "...", "matches": true|false}   or   {"id": "...", "error": "..."}
// Matching uses Ruler.matchesRule(event, rule), the library's documented single-rule API (a Machine
// with that one rule, evaluated with rulesForJSONEvent: array-consistent matching).
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import software.amazon.event.ruler.Ruler;

public final class Match {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Match() {}

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) throw new IllegalArgumentException("missing \"" + field + "\"");
    return v.isTextual() ? v.asText() : v.toString();
  }

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
    String line;
    int lineNo = 0;
    while ((line = in.readLine()) != null) {
      lineNo++;
      if (line.trim().isEmpty()) continue;
      ObjectNode result = JSON.createObjectNode();
      try {
        JsonNode request = JSON.readTree(line);
        JsonNode id = request.get("id");
        result.put("id", id == null || id.isNull() ? "line " + lineNo : id.asText());
        result.put("matches", Ruler.matchesRule(text(request, "event"), text(request, "pattern")));
      } catch (Exception e) {
        if (!result.has("id")) result.put("id", "line " + lineNo);
        result.remove("matches");
        String message = e.getMessage();
        result.put("error", e.getClass().getSimpleName() + (message == null ? "" : ": " + message));
      }
      out.write(JSON.writeValueAsString(result));
      out.write('\n');
    }
    out.flush();
  }
}
