/*
 * What kind of answer a question about a paper wants, and the words that mean the same thing in papers.
 * A question about hardware is answered by a sentence naming GPUs, one about limitations by a sentence in
 * a Limitations section or saying what the method cannot do, "does it beat X" by "outperforms X". General
 * research-paper vocabulary, not any one paper's.
 */

/** A kind of question, with what an answer to it looks like. */
export interface Intent {
  name: string;
  /** Whether a question asks this (tested on the lower-cased question). */
  asks: RegExp;
  /** A sentence that has this shows it answers (a GPU name, a duration, a URL…). */
  evidence: RegExp;
  /** Section titles where such answers usually are. */
  sections?: RegExp;
  /** Without evidence anywhere in the paper, the paper does not say (a GPU question with no hardware named). */
  needsEvidence?: boolean;
}

const HARDWARE = /\b(?:GPUs?|TPUs?|CPUs?|A100s?|H100s?|V100s?|A6000s?|A40s?|L40S?|T4s?|RTX\s?\d{3,4}|GTX\s?\d{3,4}|NVIDIA|workstation|\d+ cores|IPUs?)\b/i;
/** Hardware names, which are not datasets. */
export const HARDWARE_NAME = /^(?:GPUs?|TPUs?|CPUs?|A100s?|H100s?|V100s?|A6000s?|A40s?|RTX|GTX|NVIDIA|IPUs?)$/i;
const DURATION =
  /\b\d[\d.,]*\s*(?:hours?|hrs?|days?|minutes?|mins?|weeks?|months?|seconds?|GPU[- ]hours?|h)\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|several)\s+(?:hours?|days?|minutes?|weeks?|months?)\b/i;
/** A named dataset, benchmark or model: a word with inner capitals or digits (ImageNet-1k, COCO, CIFAR-10, FLEURS). */
export const NAMED_THING = /[A-Z][a-z]*[A-Z0-9][\w-]*|\b[A-Z]{2,}[\w-]*/g;
/** Number words, which state amounts as digits do. */
export const NUMBER_WORDS = 'two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|dozens?|hundreds?|thousands?|millions?|several';
/** An amount of data: `1.28 million training images`, `86 datasets`, `1,204 bugs`, `four classification tasks`. */
export const DATA_AMOUNT = new RegExp(
  `\\b(?:\\d[\\d,.]*|${NUMBER_WORDS})\\s*(?:million|billion|thousand|k|M|B)?\\s*(?:[a-z-]+\\s+)?` +
    '(?:images?|examples?|samples?|sentences?|utterances?|episodes?|tasks?|datasets?|documents?|tokens?|rows?|bugs?|programs?|projects?|stations?|videos?|pairs?|questions?|languages?|manoeuvres|recordings?|patients?|hours of)\\b',
  'i',
);

/** The intents, in no particular order; a question may ask several. */
export const INTENTS: readonly Intent[] = [
  {
    name: 'hardware',
    asks: /\b(?:gpus?|tpus?|cpus?|hardware|accelerators?|cluster|what compute|how much compute|compute budget|machines?)\b/,
    evidence: HARDWARE,
    sections: /implementation|setup|training|hardware|compute|details|experiment/i,
    needsEvidence: true,
  },
  {
    name: 'duration',
    asks: /\bhow long\b|\b(?:training|wall[- ]?clock|running|run|inference)\s+time\b|\bhow many (?:hours|days|weeks|gpu[- ]hours)\b|\btake to (?:train|run)\b|\bhow fast\b/,
    evidence: DURATION,
    sections: /implementation|setup|training|hardware|compute|details|budget/i,
    needsEvidence: true,
  },
  {
    name: 'data',
    asks: /\b(?:datasets?|data ?sets?|data|benchmarks?|corpus|corpora|test sets?|evaluat\w*\s+(?:on|it)|trained on|train on|tested on|test it on)\b/,
    // Matched in paper-passages.ts: a named thing other than the paper's own shorthand and hardware, or an amount of data.
    evidence: NAMED_THING,
    sections: /\bdata|dataset|benchmark|corpus|evaluation/i,
  },
  {
    name: 'results',
    asks: /\b(?:results?|perform\w*|improv\w*|better|beats?|outperform\w*|accura\w*|scores?|gains?|how (?:well|good)|effective\w*|state[- ]of[- ]the[- ]art|sota|wer|error rate|success rate|how did it do|how does it do)\b|\bhow (?:does|do|did) \S+ compare\b/,
    evidence:
      /\b(?:outperform\w*|improv\w*|surpass\w*|better|superior\w*|gains?|reach\w*|achiev\w*|obtain\w*|beats?|lowers?|raises?|falls?|rises?|results? (?:show|demonstrate|indicate|suggest))\b|\d(?:\.\d+)?\s?%/i,
    sections: /result|experiment|evaluation|comparison|performance/i,
  },
  {
    name: 'limitations',
    asks: /\b(?:limitations?|limits?|weakness\w*|drawbacks?|shortcomings?|downsides?|caveats?|threats?|fail\w*|struggl\w*|break down|cons)\b/,
    evidence:
      /\b(?:limitation\w*|cannot|can't|does not|do not|did not|not yet|fails?|struggles?|poorly|only|future work|have not|has not|unclear|drawback\w*|weakness\w*|expensive|costly|relies? on|needs?)\b/i,
    sections: /limitation|discussion|threat|future|weakness|broader|caveat/i,
  },
  {
    name: 'availability',
    asks: /\b(?:code|github|repo|repository|open[- ]?source\w*|released?|available|availability|download\w*|weights|checkpoints?|publicly|public)\b|\bwhere (?:can|do|could) (?:i|we|you|one) (?:get|find|download)\b/,
    evidence: /https?:\/\/|github|huggingface\.co|\bavailab\w*|\breleas\w*|open[- ]sourc\w*|upon (?:request|acceptance)|on request|redistribut\w*/i,
    needsEvidence: true,
  },
  {
    name: 'location',
    asks: /^\s*where\b/,
    evidence: /https?:\/\/|github\.com|huggingface\.co|\b(?:at|on|from)\s+\S+\.(?:com|org|io|net|ai)\b/i,
  },
  {
    name: 'ablation',
    asks: /\b(?:ablat\w*|without|remov\w*|w\/o|component|which part|each part)\b/,
    evidence: /\b(?:without|remov\w*|ablat\w*|drops?|falls?|costs?|lowers?|instead of|limiting|keeping)\b/i,
    sections: /ablation|analysis/i,
  },
  {
    name: 'hyperparameters',
    asks: /\b(?:learning rate|lr|batch size|optimi[sz]ers?|epochs?|hyper-?parameters?|discount|weight decay|dropout|temperature|warm-?up|seeds?|polyak|momentum)\b/,
    evidence: /\b(?:adam\w*|sgd|learning rate|batch size|epochs?|\d+(?:\.\d+)?e-\d+|weight decay|discount|momentum|cosine|warm-?up|polyak|temperature|hyper-?parameters?)\b/i,
    sections: /implementation|setup|training|hyperparameter|appendix|details/i,
  },
  {
    name: 'size',
    asks: /\bhow (?:big|large)\b|\bparameters?\b|\bparams\b|\bmodel size\b|\bhow many layers\b/,
    evidence: /\b\d[\d.,]*\s*(?:[MBK]|million|billion)\b|\b\d+[MB]\s+parameters\b|\bparameters\b|\b\d+-layer\b/i,
    sections: /model|architecture|implementation|details/i,
  },
  {
    name: 'baselines',
    asks: /\b(?:baselines?|competitors?|prior methods?|compared? (?:with|against|to) what|which methods|what methods)\b|\bcompare (?:with|against)\s*\??$/,
    evidence: /\b(?:compar\w*|baselines?|against|versus|vs\.?)\b/i,
    sections: /baseline|setup|experiment|result|comparison/i,
  },
  {
    name: 'definition',
    asks: /^\s*what\s+(?:is|are)\s+(?:an?\s+|the\s+)?[\w-]+\s*\??\s*$|\bwhat does \S+ (?:mean|stand for)\b|\bdefin\w*\b/,
    evidence: /\b(?:named|called|refer(?:red)? to as|we call|termed|defined as|denotes?|quantif\w*|stands? for|i\.e\.|is an?|are an?)\b/i,
  },
  {
    name: 'reason',
    asks: /^\s*why\b|\bwhat (?:is|was) the (?:reason|motivation)\b|\bhow come\b|\bwhat (?:problems?|issues?|challenges?|drawbacks?) (?:do|does|did|is|are)\b/,
    evidence:
      /\b(?:because|since|due to|as a result|costs?|challeng\w*|issues?|problems?|unfortunately|motivat\w*|in order to|so that|fail\w*|suffer\w*|difficult\w*|violat\w*|hurts?|stems? from|unreliab\w*|does not|cannot|lacks?)\b/i,
  },
  {
    name: 'method',
    asks: /^\s*how\s+(?:do|does|did|is|are|was|were|can)\b(?!.*\b(?:compare|well|good|long|fast)\b)/,
    evidence: /\b(?:by|using|via|through|we (?:use|apply|propose|introduce|fit|train|build|define))\b/i,
  },
];

/** The intents a question asks. */
export function questionIntents(question: string): Intent[] {
  const text = question.toLowerCase().replace(/\s+/g, ' ');
  return INTENTS.filter((intent) => intent.asks.test(text));
}

/**
 * Groups of words that answer for each other in a question about a paper: asking whether a method
 * "beats" another is answered by "outperforms", "problem" by "issue", "combine" by "integration".
 */
export const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['outperform', 'outperforms', 'beat', 'beats', 'surpass', 'surpasses', 'better', 'superior', 'superiority', 'improve', 'improves', 'improvement', 'gain', 'gains', 'boost'],
  ['measure', 'measures', 'quantify', 'quantifies', 'assess', 'gauge'],
  ['combine', 'combines', 'integrate', 'integration', 'fuse', 'fusion', 'joint', 'jointly', 'merge'],
  ['study', 'studies', 'explore', 'explores', 'investigate', 'investigates', 'examine', 'analyze', 'analyse', 'analysis'],
  ['problem', 'problems', 'issue', 'issues', 'challenge', 'challenges', 'drawback', 'shortcoming', 'difficulty', 'limitation', 'limitations', 'weakness'],
  ['grow', 'grows', 'increase', 'increases', 'rise', 'rises', 'larger'],
  ['shrink', 'decrease', 'decreases', 'reduce', 'reduces', 'lower', 'lowers', 'save', 'saves', 'less', 'fewer'],
  ['dataset', 'datasets', 'data', 'benchmark', 'benchmarks', 'corpus'],
  ['code', 'implementation', 'repository', 'github', 'scripts'],
  ['available', 'release', 'released', 'public', 'publicly', 'download', 'access'],
  ['weights', 'checkpoint', 'checkpoints'],
  ['gpu', 'gpus', 'tpu', 'tpus', 'accelerator', 'accelerators', 'hardware'],
  ['fast', 'faster', 'speed', 'speedup', 'throughput', 'latency', 'quick'],
  ['accuracy', 'accurate', 'performance', 'score', 'scores'],
  ['cost', 'costs', 'expensive', 'cheap', 'budget', 'price'],
  ['remove', 'removing', 'without', 'ablate', 'ablation'],
  ['compare', 'compares', 'comparison', 'versus', 'against', 'baseline', 'baselines'],
  ['optimizer', 'optimiser', 'adam', 'adamw', 'sgd'],
  ['size', 'parameters', 'params'],
  ['consent', 'permission', 'agreement'],
  ['video', 'videos', 'frames', 'clips'],
  ['speech', 'audio', 'voice'],
  ['image', 'images', 'visual', 'vision', 'photos'],
  ['phone', 'mobile', 'smartphone'],
  ['split', 'partition', 'folds'],
  ['fail', 'fails', 'failure', 'break', 'breaks'],
  ['hard', 'easy', 'difficult', 'simple', 'straightforward'],
  ['labelled', 'labeled', 'labels', 'annotated', 'annotation', 'annotations', 'transcribed', 'transcriptions'],
  ['worse', 'degrade', 'degrades', 'compromise', 'compromising', 'hurt', 'hurts', 'harm'],
  ['handle', 'overcome', 'address', 'tackle', 'mitigate', 'alleviate', 'deal'],
  ['evaluate', 'evaluation', 'experiment', 'experiments', 'demonstrate'],
  ['add', 'adds', 'incorporate', 'incorporates', 'include', 'includes', 'introduce', 'introduces'],
  ['prevent', 'avoid', 'alleviate', 'mitigate'],
  ['deploy', 'deployed', 'deployment', 'launch', 'launched', 'production'],
  ['cost', 'complexity'],
];
