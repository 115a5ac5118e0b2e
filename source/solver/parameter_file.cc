// Reading a parameter file: the pre-scan (scan_parameter_file: file
// problems, INCLUDE loops, entries set twice, syntax), the entry checks
// before deal.II parses (check_entries), the walk of every number after it
// (check_finite_entries), and read_parameter_file(), which runs them in that
// order around ParameterHandler::parse_input. See docs/input-checks.md.
#include <algorithm>
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <deal.II/base/exceptions.h>
#include <deal.II/base/patterns.h>
#include <deal.II/base/utilities.h>
#include <filesystem>
#include <fstream>
#include <micropillar/constitutive/registry.h>
#include <micropillar/solver/parameters.h>
#include <set>
#include <sstream>

namespace micropillar
{
  namespace solver
  {
    using namespace dealii;

    // ------------------------------------------------------------------
    // Parameter file scan and entry checks.

    namespace
    {
      namespace fs = std::filesystem;

      bool
      starts_with(const std::string &s, const std::string &prefix)
      {
        return s.compare(0, prefix.size(), prefix) == 0;
      }

      std::string
      join_path(const std::vector<std::string> &sections,
                const std::string              &name)
      {
        std::string p;
        for (const std::string &s : sections)
          p += s + "/";
        return p + name;
      }

      const std::string utf8_bom = "\xEF\xBB\xBF";

      // Read a whole file; @p what names it in messages ("parameter file
      // <a.prm>", "INCLUDE file <b.prm> (a.prm, line 3)").
      std::string
      read_text(const std::string &filename, const std::string &what)
      {
        std::error_code ec;
        AssertThrow(fs::exists(filename, ec), ExcMessage(what + " not found"));
        AssertThrow(!fs::is_directory(filename, ec),
                    ExcMessage(what + " is a directory, not a parameter file"));
        std::ifstream in(filename, std::ios::binary);
        std::string   text((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
        AssertThrow(in || in.eof(), ExcMessage(what + " cannot be read"));
        AssertThrow(text.find('\0') == std::string::npos,
                    ExcMessage(what +
                               " contains NUL bytes: not a text file (a "
                               "UTF-16 file? save it as UTF-8 or ASCII)"));
        return text;
      }

      struct Scanner
      {
        std::vector<SetLine>     entries;
        std::vector<std::string> chain; // canonical paths being read

        void
        scan(const std::string        &filename,
             const std::string        &text,
             std::vector<std::string> &sections)
        {
          std::istringstream        in(text);
          std::string               physical, logical;
          bool                      continued = false;
          unsigned int              line_n    = 0;
          unsigned int              logical_n = 0;
          const std::size_t         depth     = sections.size();
          std::vector<unsigned int> opened; // lines of this file's subsections
          const auto                where_now = [&]()
          { return filename + ", line " + std::to_string(logical_n); };
          const auto process_line = [&](std::string line)
          {
            const auto hash = line.find('#');
            if (hash != std::string::npos)
              line.erase(hash);
            for (char &c : line)
              if (c == '\t')
                c = ' ';
            line = Utilities::trim(line);
            if (line.empty())
              return;
            const std::string original = line;
            if (starts_with(line, "subsection ") ||
                starts_with(line, "SUBSECTION "))
            {
              sections.push_back(Utilities::trim(line.substr(11)));
              opened.push_back(logical_n);
            }
            else if (starts_with(line, "end") || starts_with(line, "END"))
            {
              AssertThrow(Utilities::trim(line.substr(3)).empty(),
                          ExcMessage(where_now() + ": <" + original +
                                     ">: nothing may follow 'end' on its "
                                     "line"));
              AssertThrow(sections.size() > depth,
                          ExcMessage(where_now() +
                                     ": 'end' without an open subsection" +
                                     (depth > 0 ? " in this file" : "")));
              sections.pop_back();
              opened.pop_back();
            }
            else if (starts_with(line, "set ") || starts_with(line, "SET "))
            {
              line.erase(0, 4);
              const auto eq = line.find('=');
              AssertThrow(eq != std::string::npos,
                          ExcMessage(where_now() + ": <" + original +
                                     ">: a 'set' line needs '=' (set NAME = "
                                     "VALUE)"));
              SetLine e;
              e.path = join_path(sections, Utilities::trim(line.substr(0, eq)));
              e.value = Utilities::trim(line.substr(eq + 1));
              e.file  = filename;
              e.line  = logical_n;
              entries.push_back(e);
            }
            else if (starts_with(line, "include ") ||
                     starts_with(line, "INCLUDE "))
            {
              const std::string file = Utilities::trim(line.substr(8));
              const std::string where =
                "(" + filename + ", line " + std::to_string(logical_n) + ")";
              const std::string what = "INCLUDE file <" + file + "> " + where;
              const std::string text = read_text(file, what);
              std::error_code   ec;
              const std::string canonical =
                fs::weakly_canonical(fs::absolute(file), ec).string();
              for (const std::string &c : chain)
                AssertThrow(c != canonical,
                            ExcMessage(
                              "INCLUDE " + file + " " + where +
                              ": the file includes itself (through " +
                              std::to_string(chain.size()) +
                              " file(s)), which would recurse forever"));
              AssertThrow(chain.size() < 32,
                          ExcMessage("INCLUDE " + file + " " + where +
                                     ": more than 32 nested INCLUDEs"));
              AssertThrow(!starts_with(text, utf8_bom),
                          ExcMessage(what +
                                     " starts with a UTF-8 byte-order mark; "
                                     "deal.II reads included files itself and "
                                     "cannot skip it: save the file without "
                                     "(only the main file's mark is removed)"));
              chain.push_back(canonical);
              scan(file, text, sections);
              chain.pop_back();
            }
            else
              AssertThrow(false,
                          ExcMessage(where_now() + ": cannot interpret <" +
                                     original +
                                     "> (a line is 'set NAME = VALUE', "
                                     "'subsection NAME', 'end', 'INCLUDE "
                                     "FILE' or a # comment)"));
          };
          while (std::getline(in, physical))
          {
            ++line_n;
            if (!continued)
              logical_n = line_n;
            physical = Utilities::trim(physical);
            if (!physical.empty() && physical.back() == '\\')
            {
              physical.pop_back();
              logical += physical;
              continued = true;
              continue;
            }
            logical += physical;
            continued = false;
            process_line(logical);
            logical.clear();
          }
          if (continued)
            process_line(logical);
          // deal.II requires every file (an INCLUDEd one, too) to close the
          // subsections it opens.
          AssertThrow(sections.size() == depth,
                      ExcMessage(filename + ": subsection " + sections.back() +
                                 " (line " + std::to_string(opened.back()) +
                                 ") is not closed by 'end'"));
        }
      };

      // Full path -> pattern description of every entry declared in prm;
      // @p sections receives every subsection path.
      void
      collect_patterns(const boost::property_tree::ptree  &tree,
                       const std::string                  &prefix,
                       std::map<std::string, std::string> &patterns,
                       std::map<std::string, std::string> &values,
                       std::set<std::string>              &sections)
      {
        for (const auto &child : tree)
        {
          const std::string path =
            prefix.empty() ? child.first : prefix + "/" + child.first;
          const auto pattern =
            child.second.get_child_optional("pattern_description");
          const auto value = child.second.get_child_optional("value");
          if (pattern && value)
          {
            patterns[path] = pattern->data();
            values[path]   = value->data();
          }
          else if (!child.second.empty())
          {
            sections.insert(path);
            collect_patterns(child.second, path, patterns, values, sections);
          }
        }
      }

      void
      declared_entries(ParameterHandler                   &prm,
                       std::map<std::string, std::string> &patterns,
                       std::map<std::string, std::string> &values,
                       std::set<std::string>              &sections)
      {
        std::stringstream json;
        prm.print_parameters(json, ParameterHandler::JSON);
        boost::property_tree::ptree tree;
        boost::property_tree::read_json(json, tree);
        collect_patterns(tree, "", patterns, values, sections);
      }

      // "" if @p value is a finite double (or not a number at all: the
      // pattern check reports that), else why not.
      std::string
      non_finite(const std::string &value)
      {
        const std::string v = Utilities::trim(value);
        if (v.empty())
          return "";
        errno            = 0;
        char        *end = nullptr;
        const double x   = std::strtod(v.c_str(), &end);
        if (end == v.c_str() || *end != '\0')
          return "";
        if (std::isnan(x))
          return "not a number";
        if (std::isinf(x) && errno != ERANGE)
          return "not a finite number";
        if (errno == ERANGE)
          return std::abs(x) > 1. ? "too large for a double (|x| <= 1.8e308)"
                                  : "too small for a double (a non-zero |x| "
                                    "must be >= 2.2e-308): write 0";
        return "";
      }

      // Why @p value of an entry with pattern @p pattern is not finite, or
      // "".
      std::string
      non_finite_entry(const std::string &pattern, const std::string &value)
      {
        if (starts_with(pattern, "[Double"))
          return non_finite(value);
        if (starts_with(pattern, "[List of <[Double") &&
            pattern.find("separated by") == std::string::npos)
          for (const std::string &item : Utilities::split_string_list(value))
            if (const std::string why = non_finite(item); !why.empty())
              return "<" + item + "> is " + why;
        return "";
      }

      std::string
      closest(const std::string &name, const std::vector<std::string> &choices)
      {
        // Levenshtein distance, case-insensitive.
        const auto distance = [](std::string a, std::string b)
        {
          for (char &c : a)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          for (char &c : b)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          std::vector<std::size_t> d(b.size() + 1);
          for (std::size_t j = 0; j <= b.size(); ++j)
            d[j] = j;
          for (std::size_t i = 1; i <= a.size(); ++i)
          {
            std::size_t prev = d[0];
            d[0]             = i;
            for (std::size_t j = 1; j <= b.size(); ++j)
            {
              const std::size_t t = d[j];
              d[j]                = std::min({d[j] + 1,
                                              d[j - 1] + 1,
                                              prev + (a[i - 1] == b[j - 1] ? 0 : 1)});
              prev                = t;
            }
          }
          return d[b.size()];
        };
        std::string best;
        std::size_t best_d = 4;
        for (const std::string &c : choices)
          if (const std::size_t dc = distance(name, c); dc < best_d)
          {
            best   = c;
            best_d = dc;
          }
        return best;
      }

      std::string
      parent_of(const std::string &path)
      {
        const auto slash = path.rfind('/');
        return slash == std::string::npos ? "" : path.substr(0, slash);
      }

      std::string
      leaf_of(const std::string &path)
      {
        const auto slash = path.rfind('/');
        return slash == std::string::npos ? path : path.substr(slash + 1);
      }
    } // namespace


    std::string
    SetLine::where() const
    {
      return file + ", line " + std::to_string(line);
    }


    ParameterFileScan
    scan_parameter_file(const std::string &filename)
    {
      ParameterFileScan result;
      result.text = read_text(filename, "parameter file <" + filename + ">");
      if (starts_with(result.text, utf8_bom))
        result.text.erase(0, utf8_bom.size());

      Scanner         scanner;
      std::error_code ec;
      scanner.chain.push_back(
        fs::weakly_canonical(fs::absolute(filename), ec).string());
      std::vector<std::string> sections;
      scanner.scan(filename, result.text, sections);
      result.entries = std::move(scanner.entries);

      AssertThrow(!result.entries.empty(),
                  ExcMessage(filename +
                             " sets no entry (an empty parameter file, or "
                             "only comments): nothing to run"));

      std::map<std::string, const SetLine *> first;
      for (const SetLine &e : result.entries)
      {
        const auto it = first.find(e.path);
        if (it == first.end())
          first[e.path] = &e;
        else
          AssertThrow(it->second->value == e.value,
                      ExcMessage(e.path +
                                 " is set twice with different "
                                 "values: " +
                                 it->second->value + " (" +
                                 it->second->where() + ") and " + e.value +
                                 " (" + e.where() +
                                 "); deal.II would silently keep the last. "
                                 "Delete one of them."));
      }
      return result;
    }


    void
    check_entries(const ParameterFileScan &scan, ParameterHandler &prm)
    {
      std::map<std::string, std::string> patterns, values;
      std::set<std::string>              sections;
      declared_entries(prm, patterns, values, sections);

      for (const SetLine &e : scan.entries)
      {
        const std::string section = parent_of(e.path);
        const std::string name    = leaf_of(e.path);
        if (!section.empty() && sections.count(section) == 0)
        {
          // The outermost undeclared subsection.
          std::string missing = section;
          while (!parent_of(missing).empty() &&
                 sections.count(parent_of(missing)) == 0)
            missing = parent_of(missing);
          std::string hint;
          if (parent_of(missing) == "Materials")
            hint =
              ": Materials/Models names no material <" + leaf_of(missing) + ">";
          else
          {
            std::vector<std::string> siblings;
            for (const std::string &s : sections)
              if (parent_of(s) == parent_of(missing))
                siblings.push_back(leaf_of(s));
            const std::string c = closest(leaf_of(missing), siblings);
            hint = c.empty() ? "" : " (did you mean <" + c + ">?)";
          }
          AssertThrow(false,
                      ExcMessage("subsection " + missing + " does not exist" +
                                 hint + " (" + e.where() + ": set " + name +
                                 " = " + e.value + ")"));
        }
        const auto it = patterns.find(e.path);
        if (it == patterns.end())
        {
          std::vector<std::string> siblings;
          for (const auto &p : patterns)
            if (parent_of(p.first) == section)
              siblings.push_back(leaf_of(p.first));
          const std::string c = closest(name, siblings);
          AssertThrow(
            false,
            ExcMessage(
              e.path + " = " + e.value + " (" + e.where() + "): no such entry" +
              (section.empty() ? std::string(" at the top level")
                               : " in subsection " + section) +
              (c.empty() ? std::string(".") : " (did you mean <" + c + ">?)") +
              " micropillar --print-parameters lists "
              "every entry."));
        }
        const std::string why = non_finite_entry(it->second, e.value);
        AssertThrow(why.empty(),
                    ExcMessage(e.path + " = " + e.value + " (" + e.where() +
                               "): " + why + "; every number must be finite."));
        if (e.value.find('{') == std::string::npos) // deal.II skips these
        {
          const auto pattern = Patterns::pattern_factory(it->second);
          AssertThrow(!pattern || pattern->match(e.value),
                      ExcMessage(e.path + " = " + e.value + " (" + e.where() +
                                 "): does not match " + it->second));
        }
      }
    }


    void
    check_finite_entries(ParameterHandler &prm)
    {
      std::map<std::string, std::string> patterns, values;
      std::set<std::string>              sections;
      declared_entries(prm, patterns, values, sections);
      for (const auto &p : patterns)
      {
        const std::string &value = values[p.first];
        const std::string  why   = non_finite_entry(p.second, value);
        AssertThrow(why.empty(),
                    ExcMessage(p.first + " = " + value + ": " + why +
                               "; every number must be finite."));
      }
    }


    void
    read_parameter_file(const std::string &filename,
                        ParameterHandler  &prm,
                        RunParameters     &params)
    {
      const std::string extension = fs::path(filename).extension().string();
      if (extension == ".json" || extension == ".xml")
      {
        // deal.II's own formats: no line-oriented pre-scan.
        MaterialList list;
        {
          ParameterHandler first_pass;
          RunParameters::declare_parameters(first_pass, {});
          first_pass.parse_input(filename, "", /*skip_undefined=*/true);
          first_pass.enter_subsection("Materials");
          list = MaterialParameters::parse_list(first_pass.get("Models"));
          first_pass.leave_subsection();
        }
        RunParameters::declare_parameters(prm, list);
        prm.parse_input(filename);
      }
      else
      {
        const ParameterFileScan scan = scan_parameter_file(filename);
        // The material list (needed to declare Materials/<name>) from the
        // scan: no entry is set twice with different values.
        std::string models;
        {
          ParameterHandler defaults;
          RunParameters::declare_parameters(defaults, {});
          defaults.enter_subsection("Materials");
          models = defaults.get("Models");
          defaults.leave_subsection();
        }
        for (const SetLine &e : scan.entries)
          if (e.path == "Materials/Models")
            models = e.value;
        RunParameters::declare_parameters(
          prm, MaterialParameters::parse_list(models));
        check_entries(scan, prm);
        std::istringstream text(scan.text);
        prm.parse_input(text, filename);
      }
      check_finite_entries(prm);
      params.parse_parameters(prm);
    }
  } // namespace solver
} // namespace micropillar
