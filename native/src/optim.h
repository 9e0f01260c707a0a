// The fused optimizer update of the native kernels: torch.optim.SGD's rule in float64, the same bits as src/optim/sgd.ts.
#ifndef MINIBATCH_OPTIM_H
#define MINIBATCH_OPTIM_H

#include "kernels.h"

namespace mb {

/**
 * SGD over n parameters, exactly the float64 arithmetic of src/optim/sgd.ts and
 * assembly/optim.ts (no fused multiply-add; each float32 is widened, each store rounds once, a
 * value reused later is the unrounded double). g' = g + wd p; mode 0: p -= lr g; 1: p -= lr g';
 * 2: b = g', p -= lr g' (first momentum step); 3: b = g', p -= lr (g' + mu g') (first Nesterov
 * step); 4: b = mu b + keep g', p -= lr (g' + mu b) (Nesterov); 5: b = mu b + keep g', p -= lr b.
 * keep = 1 - dampening. Element-wise, so it is split over the pool in contiguous ranges from
 * 2^16 parameters with the same bits.
 */
void sgd_update(Native& nat, idx n, float* p, const float* g, float* b, double lr, double mu, double keep, double wd, int mode);

}  // namespace mb

#endif
