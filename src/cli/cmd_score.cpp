// `score FILE`: batch-score a CSV/JSONL and write it back with `score` and
// `predicted_good`. Rows are validated by the dataset reader first (same
// errors as import); the output keeps every original column.
#include <charconv>
#include <nlohmann/json.hpp>

#include "cli/ml_common.h"
#include "core/csv.h"
#include "core/dataset.h"

namespace hitloop::cli {
namespace {

// Full precision: the shortest text that reads back as the same double.
std::string format_score(double s) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, s);
  return std::string(buf, res.ptr);
}

std::string csv_with_scores(std::string_view data, const std::vector<double>& scores,
                            const ml::LoadedModel& model) {
  CsvReader reader(data, SIZE_MAX);
  CsvRecord rec;
  std::string error, out;
  std::vector<std::string_view> fields;
  size_t row = 0;
  bool header = true;
  while (reader.next(rec, error)) {
    if (!header && rec.fields.size() == 1 && rec.fields[0].empty()) continue;  // as the reader
    fields.assign(rec.fields.begin(), rec.fields.end());
    std::string score, good;
    if (header) {
      fields.push_back("score");
      fields.push_back("predicted_good");
      header = false;
    } else {
      score = format_score(scores[row]);
      good = model.is_good(scores[row]) ? "1" : "0";
      fields.push_back(score);
      fields.push_back(good);
      ++row;
    }
    append_csv_row(out, fields);
  }
  return out;
}

std::string jsonl_with_scores(std::string_view data, const std::vector<double>& scores,
                              const ml::LoadedModel& model) {
  if (data.substr(0, 3) == "\xEF\xBB\xBF") data.remove_prefix(3);
  std::string out;
  size_t row = 0, pos = 0;
  while (pos < data.size()) {
    size_t end = data.find('\n', pos);
    if (end == std::string_view::npos) end = data.size();
    std::string_view line = data.substr(pos, end - pos);
    pos = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto obj = nlohmann::ordered_json::parse(line);
    obj["score"] = scores[row];
    obj["predicted_good"] = model.is_good(scores[row]) ? 1 : 0;
    ++row;
    out += obj.dump();  // the row as it came, the score at full precision
    out += '\n';
  }
  return out;
}

int run(Context& ctx, const Args& args) {
  const std::string& path = args.positional()[0];
  Result<std::string> data = read_file(path);
  if (!data.ok()) return fail(ctx, data.status());
  DatasetFormat format = detect_format(path, *data);
  ParsedDataset parsed = parse_dataset(path, *data, format, ReadOptions{});
  if (!parsed.errors.empty()) {
    for (size_t i = 0; i < parsed.errors.size() && i < 20; ++i) ctx.err << parsed.errors[i] << "\n";
    return fail(ctx, InvalidArgument(path + ": nothing scored (" +
                                     std::to_string(parsed.errors.size()) + " problems)"));
  }
  Result<ml::LoadOptions> load = load_options(args);
  if (!load.ok()) return fail(ctx, load.status());
  Result<ml::LoadedModel> model = resolve_model(ctx, args.get("--model"), *load);
  if (!model.ok()) return fail(ctx, model.status());

  std::vector<ml::TextPair> pairs;
  size_t truncated = 0;
  for (const ImportRow& r : parsed.rows) {
    pairs.push_back({r.model_input, r.model_output});
    truncated +=
        std::max(r.model_input.size(), r.model_output.size()) > model->model->max_text_bytes();
  }
  if (truncated) {
    ctx.err << "hitloop: warning: " << truncated << " rows have texts longer than model "
            << model->name << " reads; they were truncated\n";
  }
  std::vector<double> scores(pairs.size());
  model->score(pairs, scores);
  std::string out = format == DatasetFormat::kCsv ? csv_with_scores(*data, scores, *model)
                                                  : jsonl_with_scores(*data, scores, *model);
  Status st = write_output(ctx, args.get("--output"), out);
  if (!st.ok()) return fail(ctx, st);
  if (args.has("--output")) {
    size_t good = 0;
    for (double s : scores) good += model->is_good(s);
    ctx.err << "scored " << scores.size() << " rows with model " << model->name << ": " << good
            << " good, " << scores.size() - good << " bad -> " << args.get("--output") << "\n";
  }
  return 0;
}

}  // namespace

Command score_command() {
  return {{"score",
           "FILE",
           "Batch-score a CSV/JSONL file.\n\n"
           "Writes it back with score (P(good)) and predicted_good columns; every original\n"
           "column is kept.",
           {{"--model", "V|DIR", "model version or artifact directory (default: the active model)"},
            {"--max-length", "N", "encoder: tokens per pair (default: as trained, or 128)"},
            {"-o|--output", "FILE", "write to FILE (atomically) instead of stdout"}},
           1,
           1},
          run};
}

}  // namespace hitloop::cli
