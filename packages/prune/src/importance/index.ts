export { IMPORTANCE_METHODS, importanceScores, magnitudeScores, randomScores, taylorScores, type ImportanceMethod, type ImportanceOptions } from './importance.js';
