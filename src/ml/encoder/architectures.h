// Internal: the DistilBERT and BERT constructors behind make_classifier().
#pragma once

#include "ml/encoder/classifier.h"

namespace hitloop::ml::encoder {

std::shared_ptr<SequenceClassifier> make_distilbert(const EncoderConfig& config);
std::shared_ptr<SequenceClassifier> make_bert(const EncoderConfig& config);

}  // namespace hitloop::ml::encoder
