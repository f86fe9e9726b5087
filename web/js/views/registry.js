// The views, in tab order, each with the one sentence that says what to
// look for. Drawing views get a narrow, read-only context (App.viewContext:
// analysis, lengthGen, curves, sel, settings, status, select); views that
// runsExperiments get the App.
import { similarityView } from './similarity_view.js';
import { varianceView, decayView } from './profile_views.js';
import { attentionView } from './attention_view.js';
import { probeView } from './probe_view.js';
import { lengthView } from './length_view.js';
import { trainingView } from './training_view.js';
import { compareView } from './compare_view.js';
import { sweepView } from './sweep_view.js';

export const VIEWS = [
  { id: 'similarity', title: 'Similarity', make: similarityView,
    caption: 'Cosine similarity of hidden states at positions i and j: a bright band along the diagonal means neighbours look alike, so position can be read off - compare the adjacency score with chance.' },
  { id: 'variance', title: 'Variance', make: varianceView,
    caption: 'Variance across dimensions at each position, log-log: a slope near -1 means the attention output averages t value vectors (Chi et al.), a flat line means no positional trend.' },
  { id: 'decay', title: 'Decay', make: decayView,
    caption: 'Mean similarity between positions k apart: a profile that falls with k is the adjacency pattern seen from the side.' },
  { id: 'attention', title: 'Attention', make: attentionView,
    caption: 'Attention probabilities per head (query row, key column): near-uniform lower triangles at init, sharper patterns after training.' },
  { id: 'probes', title: 'Probes', make: probeView,
    caption: 'A linear probe reads absolute position from each layer on held-out sequences: lines far below the baselines mean position is linearly decodable there.' },
  { id: 'length', title: 'Length', make: lengthView,
    caption: 'Accuracy by sequence length: how much of what was learned at the training length survives at lengths never seen.' },
  { id: 'training', title: 'Training', make: trainingView,
    caption: 'Loss and accuracy on the training batches as the model trains in your browser.' },
  { id: 'compare', title: 'Compare', make: compareView, runsExperiments: true,
    caption: 'The same experiment under several positional encodings and the bidirectional control, side by side.' },
  { id: 'sweep', title: 'Sweep', make: sweepView, runsExperiments: true,
    caption: 'A measure over a range of settings, each cell over several seeds (mean and 95% interval): one axis draws lines with shaded intervals against chance, two axes a phase diagram. Runs go to parallel workers.' },
];
