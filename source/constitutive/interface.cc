// The process-wide trial-evaluation flag of constitutive/interface.h.
#include <micropillar/constitutive/interface.h>

namespace micropillar
{
  namespace constitutive
  {
    namespace
    {
      bool trial = false;
      bool trace = false;
    } // namespace

    bool &
    debug_trace()
    {
      return trace;
    }

    bool
    trial_evaluation()
    {
      return trial;
    }

    TrialEvaluationScope::TrialEvaluationScope(const bool t)
        : previous(trial)
    {
      trial = t;
    }

    TrialEvaluationScope::~TrialEvaluationScope()
    {
      trial = previous;
    }
  } // namespace constitutive
} // namespace micropillar
