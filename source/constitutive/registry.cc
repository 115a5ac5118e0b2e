#include <deal.II/base/exceptions.h>
#include <deal.II/base/utilities.h>
#include <micropillar/constitutive/registry.h>
#include <sstream>

namespace micropillar
{
  namespace constitutive
  {
    std::map<std::string, Registry::Entry> &
    Registry::entries()
    {
      // Function-local static: safe against the static initialisation order
      // of the registration objects in other translation units.
      static std::map<std::string, Entry> map;
      return map;
    }

    bool
    Registry::add(const std::string &name,
                  const std::string &description,
                  const Declare     &declare,
                  const Create      &create)
    {
      entries()[name] = Entry{description, declare, create};
      return true;
    }

    std::vector<std::string>
    Registry::names()
    {
      std::vector<std::string> result;
      for (const auto &e : entries())
        result.push_back(e.first);
      return result;
    }

    std::string
    Registry::selection_pattern()
    {
      std::string result;
      for (const auto &e : entries())
        result += (result.empty() ? "" : "|") + e.first;
      return result;
    }

    bool
    Registry::has(const std::string &name)
    {
      return entries().count(name) > 0;
    }

    void
    Registry::declare_parameters(const std::string        &name,
                                 dealii::ParameterHandler &prm)
    {
      const auto it = entries().find(name);
      AssertThrow(it != entries().end(),
                  dealii::ExcMessage("Unknown constitutive model <" + name +
                                     ">. Valid names: " + selection_pattern()));
      it->second.declare(prm);
    }

    std::unique_ptr<Model>
    Registry::create(const std::string &name, dealii::ParameterHandler &prm)
    {
      const auto it = entries().find(name);
      AssertThrow(it != entries().end(),
                  dealii::ExcMessage("Unknown constitutive model <" + name +
                                     ">. Valid names: " + selection_pattern()));
      return it->second.create(prm);
    }

    namespace
    {
      void
      replace_all(std::string       &s,
                  const std::string &from,
                  const std::string &to)
      {
        for (auto pos = s.find(from); pos != std::string::npos;
             pos      = s.find(from, pos + to.size()))
          s.replace(pos, from.size(), to);
      }

      // The text of an exception without deal.II's file/line banner.
      std::string
      text_of(const std::exception &e)
      {
        if (const auto *d = dynamic_cast<const dealii::ExceptionBase *>(&e))
        {
          std::ostringstream info;
          d->print_info(info);
          std::string        text;
          std::istringstream lines(info.str());
          for (std::string l; std::getline(lines, l);)
          {
            // deal.II indents the message by four spaces: drop them, keep
            // the models' own two-space indentation of entry lists.
            if (l.compare(0, 4, "    ") == 0)
              l.erase(0, 4);
            if (!dealii::Utilities::trim(l).empty())
              text += (text.empty() ? "" : "\n") + l;
          }
          return text;
        }
        return e.what();
      }
    } // namespace


    std::string
    material_error_message(const std::string &material,
                           const std::string &model,
                           const std::string &message)
    {
      const std::string path = "Materials/" + material;
      std::string       m    = message;
      // Prefixes of the models' ExcMessage texts (grep ExcMessage in
      // source/constitutive), longest first.
      // A laminate's sub-model reads subsection Materials/<name>/<sub>.
      std::string       inner = path;
      const std::string sub   = "homogenised laminate, subsection ";
      if (const auto at = m.find(sub); at != std::string::npos)
      {
        const auto colon = m.find(": ", at + sub.size());
        if (colon != std::string::npos)
        {
          inner =
            path + "/" + m.substr(at + sub.size(), colon - at - sub.size());
          m.erase(at, colon + 2 - at);
        }
      }
      replace_all(m, "Invalid crystal plasticity input:", "invalid entries:");
      replace_all(m, "crystal plasticity/", inner + "/");
      for (const std::string section : {"subsection free volume glass",
                                        "subsection J2 plasticity",
                                        "subsection homogenised laminate"})
        replace_all(m, section + ": ", "");
      replace_all(m, "homogenised laminate: ", "");
      replace_all(m, "neo-Hookean: ", "");
      // Entry lists ("  Yield stress = -1: must be > 0.") get the path.
      std::string        out;
      std::istringstream lines(m);
      for (std::string l; std::getline(lines, l);)
      {
        const auto first = l.find_first_not_of(' ');
        if (first == 2 && l.compare(2, path.size(), path) != 0 &&
            l.find(" = ") != std::string::npos)
          l = "  " + inner + "/" + l.substr(2);
        out += (out.empty() ? "" : "\n") + l;
      }
      return path + " (" + model + "): " + out;
    }


    std::vector<std::unique_ptr<Model>>
    create_models(
      const std::vector<std::pair<std::string, std::string>> &materials,
      dealii::ParameterHandler                               &prm)
    {
      std::vector<std::unique_ptr<Model>> models;
      prm.enter_subsection("Materials");
      for (const auto &[name, model] : materials)
      {
        prm.enter_subsection(name);
        std::string error;
        try
        {
          models.push_back(Registry::create(model, prm));
        }
        catch (const std::exception &e)
        {
          error = material_error_message(name, model, text_of(e));
        }
        prm.leave_subsection();
        if (!error.empty())
        {
          prm.leave_subsection();
          AssertThrow(false, dealii::ExcMessage(error));
        }
      }
      prm.leave_subsection();
      return models;
    }
  } // namespace constitutive
} // namespace micropillar
