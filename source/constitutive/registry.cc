#include <deal.II/base/exceptions.h>
#include <micropillar/constitutive/registry.h>

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
  } // namespace constitutive
} // namespace micropillar
