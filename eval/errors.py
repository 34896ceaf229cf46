"""Errors for the person running the evals: what was wrong, where, and what to do."""


class EvalError(Exception):
    """A problem with the eval's input (gold set, baseline, BEIR folder) or environment."""


class GoldSetError(EvalError):
    def __init__(self, path, line: int, problem: str):
        self.path, self.line, self.problem = path, line, problem
        super().__init__(f"{path}, line {line}: {problem}")
