// Registry of constitutive models, keyed by their prm name.
//
// A model registers itself with one line at the end of its .cc file, inside
// namespace micropillar::constitutive (the class name is not qualified):
//
//   MICROPILLAR_REGISTER_MODEL(NeoHookean, "neo-Hookean",
//                              "Compressible neo-Hookean elasticity.");
//
// The class must provide
//   static void declare_parameters(dealii::ParameterHandler &prm);
//   explicit Class(dealii::ParameterHandler &prm);   // parses its entries
// Both are called inside the prm subsection of the material that uses the
// model ("subsection Materials / subsection <material name>"), so two
// materials may use one model with different parameters. The list of valid
// model names in the prm documentation comes from this registry. All sources
// are compiled into an OBJECT library (CMakeLists.txt), so the static
// registration objects are never dropped by the linker.
#ifndef micropillar_constitutive_registry_h
#define micropillar_constitutive_registry_h

#include <deal.II/base/parameter_handler.h>
#include <functional>
#include <map>
#include <memory>
#include <micropillar/constitutive/interface.h>
#include <string>
#include <utility>
#include <vector>

namespace micropillar
{
  namespace constitutive
  {
    class Registry
    {
    public:
      using Declare = std::function<void(dealii::ParameterHandler &)>;
      using Create =
        std::function<std::unique_ptr<Model>(dealii::ParameterHandler &)>;

      struct Entry
      {
        std::string description;
        Declare     declare;
        Create      create;
      };

      /// Add a model; called by MICROPILLAR_REGISTER_MODEL.
      static bool
      add(const std::string &name,
          const std::string &description,
          const Declare     &declare,
          const Create      &create);

      /// All registered names, sorted.
      static std::vector<std::string>
      names();

      /// Names joined with '|' for a Patterns::Selection.
      static std::string
      selection_pattern();

      /// Declare the entries of model @p name at the current level of @p prm.
      static void
      declare_parameters(const std::string        &name,
                         dealii::ParameterHandler &prm);

      /// Create the model @p name from the current level of @p prm. Throws
      /// an ExcMessage naming @p name and the valid names if it is unknown.
      static std::unique_ptr<Model>
      create(const std::string &name, dealii::ParameterHandler &prm);

      /// True if @p name is registered.
      static bool
      has(const std::string &name);

    private:
      static std::map<std::string, Entry> &
      entries();
    };

    /// Create the model of every material of @p materials ((material name,
    /// model name) pairs in material-id order, as
    /// solver::MaterialParameters::materials) from its subsection
    /// Materials/<material name> of @p prm (entered and left here). An
    /// exception raised while a model is set up is rethrown as an
    /// ExcMessage that names the material as the user wrote it:
    /// "Materials/<name> (<model>): <message>", the model's own prefixes in
    /// the message ("crystal plasticity/", "subsection J2 plasticity", ...)
    /// replaced by "Materials/<name>".
    std::vector<std::unique_ptr<Model>>
    create_models(
      const std::vector<std::pair<std::string, std::string>> &materials,
      dealii::ParameterHandler                               &prm);

    /// The message of create_models() for an exception with text
    /// @p message raised by model @p model of material @p material.
    std::string
    material_error_message(const std::string &material,
                           const std::string &model,
                           const std::string &message);
  } // namespace constitutive
} // namespace micropillar

#define MICROPILLAR_REGISTER_MODEL(classname, prmname, description) \
  namespace                                                         \
  {                                                                 \
    const bool micropillar_registered_##classname =                 \
      ::micropillar::constitutive::Registry::add(                   \
        prmname,                                                    \
        description,                                                \
        [](dealii::ParameterHandler &prm)                           \
        { classname::declare_parameters(prm); },                    \
        [](dealii::ParameterHandler &prm)                           \
          -> std::unique_ptr<::micropillar::constitutive::Model>    \
        { return std::make_unique<classname>(prm); });              \
  }

#endif
